// The command-line frame both programs share: the global options --db, --json and --lang, which
// may stand before or after the command words; the dispatch of the chosen command to its action;
// and the translation of every failure into one line on stderr and an exit status (2 for bad
// input or usage, 1 for other failures; see app::exit_status).
//
// Actions return a Status and never throw. CLI11 reports bad usage by throwing from run(), and
// main() catches that (and any unexpected exception) and hands it to usage_error() or crash():
//
//   int main(int argc, char** argv) {
//     liaison::cli::Program program("liaison", "LIAISON_DB", "liaison.db", argc, argv);
//     try { add_commands(program); return program.run(argc, argv); }
//     catch (const CLI::ParseError& e) { return program.usage_error(e); }
//     catch (const std::exception& e) { return program.crash(e); }
//   }
//
// Not thread-safe: one Program per process.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "shared/app/output.h"
#include "shared/sync/replica.h"
#include "shared/util/status.h"

namespace liaison::cli {

struct Globals {
  std::string db;  // --db, else the program's environment variable, else its default file
  bool json = false;
  std::string lang = "zh";
};

// What an action works with: the output and the replica named by --db.
class Context {
 public:
  Context(const Globals& globals, app::Output& out) : globals_(globals), out_(out) {}

  const Globals& globals() const { return globals_; }
  app::Output& out() { return out_; }
  // The replica at --db, opened (and migrated) on first use; NotFound err.no_replica when the
  // file does not exist.
  Result<sync::Replica*> replica();
  // A catalogue key whose text goes before the message if the action fails ("err.csv").
  void set_failure_context(std::string key) { failure_context_ = std::move(key); }
  const std::string& failure_context() const { return failure_context_; }

 private:
  const Globals& globals_;
  app::Output& out_;
  std::unique_ptr<sync::Replica> replica_;
  std::string failure_context_;
};

using Action = std::function<Status(Context&)>;

class Program {
 public:
  // db_env and db_file: where the database is when --db is not given. argv is scanned for
  // --lang only, so that help texts and usage errors use the language asked for.
  Program(const std::string& name, std::string db_env, std::string db_file, int argc,
          const char* const* argv);

  CLI::App& app() { return app_; }
  // The catalogue text of key in the language of the command line.
  std::string text(const std::string& key) const;
  // A command word under parent, described by the catalogue entry help_key.
  CLI::App* command(CLI::App& parent, const std::string& name, const std::string& help_key);
  // A command word that only groups others: one of them must follow.
  CLI::App* group(CLI::App& parent, const std::string& name, const std::string& help_key);
  // Runs action when cmd is the command chosen (and none of its own subcommands is).
  void on_run(CLI::App* cmd, Action action);

  // Parses the command line and runs the chosen command; returns the exit status. Throws
  // CLI::ParseError for bad usage and for --help.
  int run(int argc, const char* const* argv);
  // Prints the help (exit status 0) or the one error line for bad usage (2).
  int usage_error(const CLI::ParseError& error);
  // Prints the one error line for an unexpected exception; returns 1.
  int crash(const std::exception& error);

 private:
  CLI::App app_;
  Globals globals_;
  std::string help_lang_;
  std::string db_env_, db_file_;
  Action chosen_;
};

// Adds --name to cmd storing its value into target, which stays nullopt when it is not given
// (so that an empty value can mean "clear").
void optional_option(CLI::App* cmd, const std::string& name, std::optional<std::string>& target);

}  // namespace liaison::cli

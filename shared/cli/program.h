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
// Not thread-safe: a Program runs one command line; run_captured() makes one per call, so
// commands may run in-process on several threads, each with its own Program.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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
  // file does not exist. A replica lent with lend_replica() is returned instead.
  Result<sync::Replica*> replica();
  void lend_replica(sync::Replica* replica) { lent_ = replica; }
  // Where a long command (sync) reports how far it got, besides a terminal's progress line:
  // the web desk's progress display. Does nothing unless a sink is set.
  using ProgressSink = std::function<void(const nlohmann::ordered_json&)>;
  void set_progress_sink(ProgressSink sink) { progress_ = std::move(sink); }
  void progress(const nlohmann::ordered_json& state) {
    if (progress_) progress_(state);
  }
  // A catalogue key whose text goes before the message if the action fails ("err.csv").
  void set_failure_context(std::string key) { failure_context_ = std::move(key); }
  const std::string& failure_context() const { return failure_context_; }

 private:
  const Globals& globals_;
  app::Output& out_;
  std::unique_ptr<sync::Replica> replica_;
  sync::Replica* lent_ = nullptr;
  ProgressSink progress_;
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

  // For running commands in-process (the web API, shared/web): results and the error line go
  // to out and err instead of stdout and stderr, and the action works on replica instead of
  // opening --db. Call before run(). replica must outlive run().
  void redirect(std::ostream& out, std::ostream& err) { out_ = &out, err_ = &err; }
  void lend_replica(sync::Replica* replica) { lent_replica_ = replica; }
  void set_progress_sink(Context::ProgressSink sink) { progress_ = std::move(sink); }
  // The status the last run() ended with (OK, a usage error's InvalidArgument, or the action's).
  Code last_code() const { return last_code_; }

 private:
  CLI::App app_;
  Globals globals_;
  std::string help_lang_;
  std::string db_env_, db_file_;
  Action chosen_;
  std::ostream* out_;
  std::ostream* err_;
  sync::Replica* lent_replica_ = nullptr;
  Context::ProgressSink progress_;
  Code last_code_ = Code::kOk;
};

// What makes one of the two programs: its name, where its database is when --db is not given,
// and the function that adds its commands.
struct ProgramSpec {
  std::string name, db_env, db_file;
  std::function<void(Program&)> add_commands;
};

// A program's main(): spec's program run on the process's command line, its exit status.
int program_main(const ProgramSpec& spec, int argc, const char* const* argv);

// What an in-process run printed and how it ended.
struct Captured {
  int exit = 0;
  Code code = Code::kOk;
  std::string out, err;
};

// Runs args (the words after the program's name) in-process, exactly as the program would,
// capturing what it prints; lends replica to the action when given, and reports progress to
// progress when given. Never throws.
Captured run_captured(const ProgramSpec& spec, const std::vector<std::string>& args,
                      sync::Replica* replica = nullptr, Context::ProgressSink progress = {});

// Adds --name to cmd storing its value into target, which stays nullopt when it is not given
// (so that an empty value can mean "clear").
void optional_option(CLI::App* cmd, const std::string& name, std::optional<std::string>& target);

}  // namespace liaison::cli

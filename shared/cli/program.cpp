#include "shared/cli/program.h"

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string_view>

#include "shared/util/i18n.h"

namespace liaison::cli {

namespace {

// The value of --lang on the command line, looked up before parsing ("zh" when absent).
std::string scan_lang(int argc, const char* const* argv) {
  std::string lang = "zh";
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--lang" && i + 1 < argc) lang = argv[i + 1];
    else if (arg.substr(0, 7) == "--lang=") lang = std::string(arg.substr(7));
  }
  return i18n::normalize(lang);
}

}  // namespace

Result<sync::Replica*> Context::replica() {
  if (lent_) return lent_;
  if (!replica_) {
    LIAISON_ASSIGN_OR_RETURN(replica_, sync::Replica::open(globals_.db));
  }
  return replica_.get();
}

Program::Program(const std::string& name, std::string db_env, std::string db_file, int argc,
                 const char* const* argv)
    : app_(std::string(), name),
      help_lang_(scan_lang(argc, argv)),
      db_env_(std::move(db_env)),
      db_file_(std::move(db_file)),
      out_(&std::cout),
      err_(&std::cerr) {
  app_.description(text("label.cmd." + name));
  // Inherited by every command added later: options a command does not know are handed up to
  // its parent, so the global options may follow the command words.
  app_.fallthrough();
  app_.require_subcommand(1);
  app_.add_option("--db", globals_.db, text("label.opt.db"));
  app_.add_flag("--json", globals_.json, text("label.opt.json"));
  app_.add_option("--lang", globals_.lang, text("label.opt.lang"))
      ->check(CLI::IsMember({"zh", "en"}));
}

std::string Program::text(const std::string& key) const { return i18n::text(help_lang_, key); }

CLI::App* Program::command(CLI::App& parent, const std::string& name, const std::string& help_key) {
  return parent.add_subcommand(name, text(help_key));
}

CLI::App* Program::group(CLI::App& parent, const std::string& name, const std::string& help_key) {
  CLI::App* cmd = command(parent, name, help_key);
  cmd->require_subcommand(1);
  return cmd;
}

void Program::on_run(CLI::App* cmd, Action action) {
  // CLI11 runs the callbacks of a command's subcommands before its own: a command that is also
  // a group (conflicts / conflicts resolve) must not replace the action of its subcommand.
  cmd->callback([this, cmd, action = std::move(action)] {
    if (cmd->get_subcommands().empty()) chosen_ = action;
  });
}

int Program::run(int argc, const char* const* argv) {
  app_.parse(argc, argv);
  if (globals_.db.empty()) {
    const char* env = std::getenv(db_env_.c_str());
    globals_.db = env && *env ? env : db_file_;
  }
  app::Output out(globals_.lang, globals_.json, *out_, *err_);
  if (!chosen_) {
    last_code_ = Code::kInvalidArgument;
    return out.fail(Status::invalid("err.usage"));
  }
  Context ctx(globals_, out);
  ctx.lend_replica(lent_replica_);
  ctx.set_progress_sink(progress_);
  Status status = chosen_(ctx);
  last_code_ = status.code();
  if (!status.is_ok()) return out.fail(status, ctx.failure_context());
  return 0;
}

int Program::usage_error(const CLI::ParseError& error) {
  last_code_ = Code::kInvalidArgument;
  if (error.get_exit_code() == 0) return app_.exit(error, *out_, *err_);  // --help: on stdout
  app::Output out(help_lang_, false, *out_, *err_);
  return out.fail(Status::invalid("err.usage", error.what()));
}

int Program::crash(const std::exception& error) {
  last_code_ = Code::kInternal;
  app::Output out(help_lang_, false, *out_, *err_);
  out.fail(Status::internal(error.what()));
  return 1;
}

namespace {

// Adds spec's commands to program and runs argv with it: a usage error or an exception ends in
// the program's own message and exit status.
int run_spec(const ProgramSpec& spec, Program& program, int argc, const char* const* argv) {
  try {
    spec.add_commands(program);
    return program.run(argc, argv);
  } catch (const CLI::ParseError& e) {
    return program.usage_error(e);
  } catch (const std::exception& e) {
    return program.crash(e);
  }
}

}  // namespace

int program_main(const ProgramSpec& spec, int argc, const char* const* argv) {
  Program program(spec.name, spec.db_env, spec.db_file, argc, argv);
  return run_spec(spec, program, argc, argv);
}

Captured run_captured(const ProgramSpec& spec, const std::vector<std::string>& args,
                      sync::Replica* replica, Context::ProgressSink progress) {
  std::vector<const char*> argv{spec.name.c_str()};
  for (const std::string& a : args) argv.push_back(a.c_str());
  int argc = static_cast<int>(argv.size());
  std::ostringstream out, err;
  Captured result;
  Program program(spec.name, spec.db_env, spec.db_file, argc, argv.data());
  program.redirect(out, err);
  program.lend_replica(replica);
  program.set_progress_sink(std::move(progress));
  result.exit = run_spec(spec, program, argc, argv.data());
  result.code = program.last_code();
  result.out = out.str();
  result.err = err.str();
  return result;
}

void optional_option(CLI::App* cmd, const std::string& name, std::optional<std::string>& target) {
  cmd->add_option_function<std::string>(name, [&target](const std::string& v) { target = v; });
}

}  // namespace liaison::cli

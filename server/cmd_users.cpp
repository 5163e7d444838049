// user add NAME | passwd NAME | list | remove NAME: the district dashboard's accounts
// (shared/app/web_users.h). A password is read from standard input, never from the command line
// (where other users of the machine could see it): the first line, without its line break; on a
// terminal, typed with echo off after a prompt.
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "server/commands.h"
#include "shared/app/web_users.h"

namespace liaison::server {

namespace {

Result<std::string> read_password(app::Output& out) {
  bool tty = isatty(STDIN_FILENO);
  termios saved{};
  if (tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    std::cerr << out.text("msg.password_prompt") << std::flush;
  }
  std::string line;
  bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << '\n';
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (!got || line.empty()) return Status::invalid("err.no_password");
  return line;
}

Status add_user(cli::Context& ctx, const std::string& name, bool set) {
  LIAISON_ASSIGN_OR_RETURN(sync::Replica * r, ctx.replica());
  if (!set) LIAISON_RETURN_IF_ERROR(app::check_user_name(name));
  LIAISON_ASSIGN_OR_RETURN(std::string password, read_password(ctx.out()));
  if (set) LIAISON_RETURN_IF_ERROR(app::set_web_password(*r, name, password));
  else LIAISON_RETURN_IF_ERROR(app::add_web_user(*r, name, password));
  app::Output& out = ctx.out();
  if (out.json()) out.print_json({{"user", name}});
  else out.print_line(out.format(set ? "msg.user_password_set" : "msg.user_added", name));
  return {};
}

Status list_users(cli::Context& ctx) {
  LIAISON_ASSIGN_OR_RETURN(sync::Replica * r, ctx.replica());
  LIAISON_ASSIGN_OR_RETURN(std::vector<app::WebUser> users, app::list_web_users(*r));
  app::Output& out = ctx.out();
  if (out.json()) {
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const app::WebUser& u : users) {
      nlohmann::ordered_json locked;
      if (!u.locked_until.empty()) locked = u.locked_until;
      rows.push_back({{"user", u.name}, {"created_at", u.created_at}, {"failed", u.failed},
                      {"locked_until", locked}});
    }
    out.print_json(rows);
  } else if (users.empty()) {
    out.print_line(out.text("msg.no_users"));
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const app::WebUser& u : users)
      rows.push_back({u.name, u.created_at, std::to_string(u.failed), u.locked_until});
    out.print_table({"label.user", "label.user_created", "label.failed_sign_ins",
                     "label.locked_until"},
                    rows);
  }
  return {};
}

Status remove_user(cli::Context& ctx, const std::string& name) {
  LIAISON_ASSIGN_OR_RETURN(sync::Replica * r, ctx.replica());
  LIAISON_RETURN_IF_ERROR(app::remove_web_user(*r, name));
  app::Output& out = ctx.out();
  if (out.json()) out.print_json({{"removed", name}});
  else out.print_line(out.format("msg.user_removed", name));
  return {};
}

}  // namespace

void add_user_commands(cli::Program& program) {
  CLI::App* user = program.group(program.app(), "user", "label.cmd.user");
  auto name = std::make_shared<std::string>();
  CLI::App* add = program.command(*user, "add", "label.cmd.user_add");
  add->add_option("name", *name)->required();
  program.on_run(add, [name](cli::Context& ctx) { return add_user(ctx, *name, false); });
  CLI::App* passwd = program.command(*user, "passwd", "label.cmd.user_passwd");
  passwd->add_option("name", *name)->required();
  program.on_run(passwd, [name](cli::Context& ctx) { return add_user(ctx, *name, true); });
  CLI::App* list = program.command(*user, "list", "label.cmd.user_list");
  program.on_run(list, list_users);
  CLI::App* remove = program.command(*user, "remove", "label.cmd.user_remove");
  remove->add_option("name", *name)->required();
  program.on_run(remove, [name](cli::Context& ctx) { return remove_user(ctx, *name); });
}

}  // namespace liaison::server

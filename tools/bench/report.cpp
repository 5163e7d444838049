#include "tools/bench/report.h"

#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

namespace liaison::bench {

std::string machine_description() {
  std::ifstream cpu("/proc/cpuinfo");
  std::string line, model = "unknown CPU";
  while (std::getline(cpu, line)) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  std::ifstream mem("/proc/meminfo");
  std::string key;
  long kb = 0;
  mem >> key >> kb;
  return fmt::format("{}, {} cores, {:.0f} GiB", model, std::thread::hardware_concurrency(),
                     static_cast<double>(kb) / 1024 / 1024);
}

std::string render(const std::string& title, const std::string& command,
                   const std::vector<Line>& lines, const std::string& notes) {
  std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
  std::string out = fmt::format("## {}\n\nMeasured {} on {} with `{}`.\n\n", title, date,
                                machine_description(), command);
  out += "| measure | value | ratio | target |\n| --- | --- | --- | --- |\n";
  for (const Line& l : lines)
    out += fmt::format("| {} | {} | {} | {} |\n", l.what, l.value, l.ratio, l.target);
  if (!notes.empty()) out += "\n" + notes + "\n";
  return out;
}

bool write_section(const std::string& file, const std::string& name, const std::string& body) {
  std::string begin = fmt::format("<!-- {}:begin -->", name);
  std::string end = fmt::format("<!-- {}:end -->", name);
  std::string text;
  {
    std::ifstream in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  std::string section = begin + "\n" + body + end;
  size_t b = text.find(begin);
  size_t e = text.find(end);
  if (b != std::string::npos && e != std::string::npos && e > b) {
    text.replace(b, e + end.size() - b, section);
  } else {
    if (text.empty()) text = "# Benchmarks\n\nEvery figure is a ratio to a baseline measured in the same run.\n";
    text += "\n" + section + "\n";
  }
  std::ofstream out(file, std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace liaison::bench

// Writing benchmark results: a Markdown table printed to stdout and put into one marked section
// of docs/benchmarks.md, with the machine and the command that produced it.
#pragma once

#include <string>
#include <vector>

namespace liaison::bench {

struct Line {
  std::string what;
  std::string value;
  std::string ratio;
  std::string target;
};

// "model name, N cores, M GiB" read from /proc.
std::string machine_description();

// Renders the table as Markdown with a heading line, the command and the machine.
std::string render(const std::string& title, const std::string& command,
                   const std::vector<Line>& lines, const std::string& notes);

// Replaces the section between <!-- NAME:begin --> and <!-- NAME:end --> in file (appending it
// when absent). Returns false when the file cannot be written.
bool write_section(const std::string& file, const std::string& name, const std::string& body);

}  // namespace liaison::bench

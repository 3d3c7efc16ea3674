#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dax::cli {

// A label of a sample: name and (unescaped) value.
using Label = std::pair<std::string, std::string>;

// Metrics in Prometheus' text exposition format (version 0.0.4, what node_exporter's textfile
// collector reads): every family is a gauge with HELP and TYPE, its samples kept together.
class Exposition
{
public:
  // Declares gauge `name` with its help text; families print in the order declared.
  void gauge(std::string name, std::string help);

  // Adds a sample to the declared family `name`.
  void add(std::string_view name, std::vector<Label> labels, uint64_t value);

  // The text; families without samples are left out.
  std::string render() const;

private:
  struct Family
  {
    std::string name;
    std::string help;
    std::vector<std::string> samples; // rendered sample lines
  };
  std::vector<Family> m_families;
};

// A label value escaped as the format asks: backslash, double quote and newline.
std::string escape_label_value(std::string_view value);

} // namespace dax::cli

// felixctl selector eval: evaluate selectors against label sets, one at a
// time or in batch (JSON lines), for operators and for conformance checks.
#include <istream>
#include <ostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "selector/selector.h"

namespace felix::cli {
namespace {

// Labels must be a JSON object of strings.
Result<selector::Labels> LabelsFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return Status::InvalidArgument("labels must be a JSON object");
  selector::Labels labels;
  for (const auto& [k, v] : j.items()) {
    if (!v.is_string()) {
      return Status::InvalidArgument("label '" + k + "' must have a string value");
    }
    labels.emplace(k, v.get<std::string>());
  }
  return labels;
}

Result<selector::Labels> ParseLabels(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("labels are not valid JSON");
  return LabelsFromJson(j);
}

// One batch case; the text printed for it.
std::string EvalCase(const std::string& line) {
  auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return "error: input line is not a JSON object";
  auto sel_it = j.find("selector");
  if (sel_it == j.end() || !sel_it->is_string()) {
    return "error: \"selector\" must be a string";
  }
  selector::Labels labels;
  if (auto it = j.find("labels"); it != j.end() && !it->is_null()) {
    auto parsed = LabelsFromJson(*it);
    if (!parsed.ok()) return "error: " + parsed.status().message();
    labels = std::move(parsed).value();
  }
  auto sel = selector::Parse(sel_it->get<std::string>());
  if (!sel.ok()) return "error: " + sel.status().message();
  return sel->Evaluate(labels) ? "true" : "false";
}

}  // namespace

int SelectorEval(const std::string& labels_json, const std::string& selector_text,
                 std::ostream& out, std::ostream& err) {
  auto labels = ParseLabels(labels_json.empty() ? "{}" : labels_json);
  if (!labels.ok()) {
    err << "felixctl: --labels: " << labels.status().message() << "\n";
    return kExitUsage;
  }
  auto sel = selector::Parse(selector_text);
  if (!sel.ok()) {
    err << "felixctl: invalid selector: " << sel.status().message() << "\n";
    return kExitUsage;
  }
  out << (sel->Evaluate(*labels) ? "true" : "false") << "\n";
  return kExitOk;
}

int SelectorEvalBatch(std::istream& in, std::ostream& out) {
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank line
    out << EvalCase(line) << "\n";
  }
  return kExitOk;
}

}  // namespace felix::cli

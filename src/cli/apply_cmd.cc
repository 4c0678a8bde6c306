// felixctl apply: all-or-nothing writes of key/value documents. Every
// document is parsed and validated exactly as the agent would read it before
// the first write, so one bad object leaves etcd untouched; the write itself
// is one transaction (v3) or compare-and-swap writes rolled back on failure
// (v2), so a failure part-way leaves no half of a change.
#include <fstream>
#include <istream>
#include <ostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/documents.h"
#include "cli/lockout_guard.h"
#include "config/config.h"
#include "datastore/datastore.h"
#include "model/model.h"

namespace felix::cli {
namespace {

Result<std::string> ReadInput(const std::string& file, std::istream& in) {
  std::stringstream ss;
  if (file == "-") {
    ss << in.rdbuf();
    return ss.str();
  }
  std::ifstream f(file);
  if (!f) return Status::IoError("cannot read " + file);
  ss << f.rdbuf();
  return ss.str();
}

// The issues that make the agent reject `doc` (empty = valid): config
// values through the agent's parameter parsers, objects through its
// validation.
std::vector<std::string> Issues(const Document& doc, const model::ValidationContext& ctx) {
  const auto key = model::ParseKey(doc.key);
  if (!key) return {"not a /calico/v1 key that Felix reads"};
  const std::string* name = nullptr;
  if (const auto* g = std::get_if<model::GlobalConfigKey>(&*key)) name = &g->name;
  if (const auto* h = std::get_if<model::HostConfigKey>(&*key)) name = &h->name;
  if (name) {
    std::vector<std::string> warnings;
    auto v = config::CheckDatastoreValue(*name, doc.value, warnings);
    if (!v.ok()) return {v.status().message()};
    return {};
  }
  return model::DecodeValue(*key, doc.value, ctx).issues;
}

}  // namespace

int Apply(const ApplyOptions& opts, std::istream& in, datastore::EtcdClient& etcd,
          std::ostream& out, std::ostream& err) {
  if (opts.file.empty()) {
    err << "felixctl: apply needs -f FILE (or -f - for stdin)\n";
    return kExitUsage;
  }
  auto text = ReadInput(opts.file, in);
  if (!text.ok()) {
    err << "felixctl: " << text.status().message() << "\n";
    return kExitUsage;
  }
  auto docs = ParseDocuments(*text, opts.file == "-" ? "<stdin>" : opts.file);
  if (!docs.ok()) {
    err << "felixctl: " << docs.status().message() << "\n";
    return kExitUsage;
  }

  model::ValidationContext ctx;
  ctx.hostname = "";  // every host is local: validate as that host's agent would
  ctx.interface_prefixes = opts.interface_prefixes;
  size_t invalid = 0;
  for (const Document& doc : *docs) {
    const auto issues = Issues(doc, ctx);
    if (!issues.empty()) ++invalid;
    for (const auto& issue : issues) err << "felixctl: " << doc.key << ": " << issue << "\n";
  }
  if (invalid > 0) {
    err << "felixctl: " << invalid << " of " << docs->size()
        << " documents invalid; nothing written\n";
    return kExitInvalid;
  }

  if (opts.guard.enabled) {
    std::vector<datastore::KeyUpdate> changes;
    for (const Document& doc : *docs) changes.push_back({doc.key, doc.value});
    if (!internal::GuardAllows(opts.guard, changes, etcd, err)) return kExitInvalid;
  }

  // One write of everything: an allow never lands without its deny.
  std::vector<datastore::KeyValue> kvs;
  kvs.reserve(docs->size());
  for (const Document& doc : *docs) kvs.push_back({doc.key, doc.value});
  if (Status s = etcd.SetAll(kvs); !s.ok()) {
    err << "felixctl: apply failed: " << s.message() << "\n";
    return kExitUsage;
  }
  for (const Document& doc : *docs) out << "set " << doc.key << "\n";
  return kExitOk;
}

}  // namespace felix::cli

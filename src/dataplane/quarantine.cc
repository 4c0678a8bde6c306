// The driver's last line of defence against a table the kernel rejects
// (issue: one value nft could not express failed every transaction, so
// nothing after it was ever programmed). When a whole-table transaction
// fails, the chains the kernel rejects are found by validating (never
// applying) copies of the table with halves of the candidate chains reduced
// to a drop, and only those are programmed as a drop: everything else is
// programmed, the offenders' endpoints fail closed, and an offender is tried
// again only when its rules change.
#include <fmt/format.h>

#include <algorithm>

#include "dataplane/dataplane.h"

namespace felix::dataplane {
namespace {

const Logger kLog("calico.felix.dataplane");

// Validations one isolation may spend; what is left unresolved then is
// quarantined as a whole (fail closed).
constexpr int kMaxChecks = 64;

// Chains of the fixed structure: never candidates (the failsafe chains
// above all: a stub there would cut the operator off).
bool Structural(const std::string& name, const rules::Chain& c) {
  static const std::set<std::string> kFixed = {
      "cali-wl-to-host", "cali-from-wl",       "cali-to-wl",      "cali-from-host",
      "cali-to-host",    "cali-from-host-raw", "cali-to-host-raw"};
  return c.hook.has_value() || name.starts_with("cali-failsafe") || kFixed.contains(name);
}

// A chain's fail-closed form: its failsafe jumps (an endpoint chain keeps
// the operator's way in), then drop.
std::vector<std::string> StubRules(const rules::Chain& c) {
  std::vector<std::string> out;
  for (const std::string& r : c.rules) {
    if (r.starts_with("jump cali-failsafe")) out.push_back(r);
  }
  out.push_back("drop");
  return out;
}

}  // namespace

rules::Table Dataplane::Stubbed(const rules::Table& t, const std::set<std::string>& stubbed) {
  rules::Table out = t;
  for (const std::string& name : stubbed) {
    auto it = out.chains.find(name);
    if (it != out.chains.end()) it->second.rules = StubRules(it->second);
  }
  return out;
}

bool Dataplane::Isolate(const rules::Table& desired) {
  std::vector<std::string> candidates;
  for (const auto& [name, chain] : desired.chains) {
    if (!Structural(name, chain) && !quarantine_.contains(name)) candidates.push_back(name);
  }
  int checks = 0;
  auto passes = [&](const std::set<std::string>& stubbed) {
    ++checks;
    return backend_.Check(FullReplaceScript(Stubbed(desired, stubbed))).ok();
  };
  std::set<std::string> already;
  for (const auto& [name, rules] : quarantine_) already.insert(name);
  if (passes(already)) return false;  // valid as it is: the failure was not about content
  std::set<std::string> all = already;
  all.insert(candidates.begin(), candidates.end());
  if (!passes(all)) {
    FLOG_ERROR(kLog,
               "The kernel rejects table inet calico even with every policy and endpoint chain "
               "reduced to a drop; retrying as it is");
    return false;
  }
  // Keeps every candidate it can: a range is kept whole if the table passes
  // with it (and what is kept so far) unstubbed, else split; a single chain
  // that fails is an offender. Past the check budget, the rest is stubbed.
  std::set<std::string> kept, bad;
  auto stubbed_except = [&](const std::vector<std::string>& range) {
    std::set<std::string> s = all;
    for (const auto& k : kept) s.erase(k);
    for (const auto& r : range) s.erase(r);
    return s;
  };
  std::vector<std::vector<std::string>> work = {candidates};
  while (!work.empty()) {
    std::vector<std::string> range = std::move(work.back());
    work.pop_back();
    if (range.empty()) continue;
    if (checks >= kMaxChecks) {
      bad.insert(range.begin(), range.end());
      continue;
    }
    if (passes(stubbed_except(range))) {
      kept.insert(range.begin(), range.end());
    } else if (range.size() == 1) {
      bad.insert(range.front());
    } else {
      const auto mid = range.begin() + static_cast<std::ptrdiff_t>(range.size() / 2);
      work.emplace_back(mid, range.end());  // the first half is tried first
      work.emplace_back(range.begin(), mid);
    }
  }
  for (const std::string& name : bad) {
    const rules::Chain& c = desired.chains.at(name);
    quarantine_[name] = c.rules;
    FLOG_ERROR(kLog,
               "The kernel rejects chain {} ({} rules, first: {}); it drops all traffic that "
               "reaches it until its rules change",
               name, c.rules.size(), c.rules.empty() ? std::string("none") : c.rules.front());
  }
  FLOG_WARNING(kLog, "Isolated {} rejected chain(s) of table inet calico in {} checks", bad.size(),
               checks);
  return !bad.empty();
}

rules::TableDelta Dataplane::WithoutQuarantined(const rules::TableDelta& delta,
                                                const rules::Table& desired) {
  rules::TableDelta out = delta;
  for (auto it = quarantine_.begin(); it != quarantine_.end();) {
    const auto chain = desired.chains.find(it->first);
    if (chain == desired.chains.end() || chain->second.rules != it->second) {
      // Gone or changed: the new rules get their chance.
      FLOG_INFO(kLog, "Chain {} changed; trying it again", it->first);
      it = quarantine_.erase(it);
      continue;
    }
    out.chains.erase(it->first);
    ++it;
  }
  return out;
}

void Dataplane::SetRefreshInterval(std::chrono::seconds interval) {
  if (interval == options_.refresh_interval) return;
  options_.refresh_interval = interval;
  refresh_at_.reset();
  if (programmed_once_ && interval.count() > 0) refresh_at_ = clock_.Now() + interval;
}

}  // namespace felix::dataplane

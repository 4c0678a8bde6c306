// The Dataplane driver: queues desired state (OnUpdate, OnInterfaces: no
// kernel I/O; the IncrementalRenderer only records what a message touched),
// and in Apply() re-renders the touched parts, diffs only the changed keys
// against what it programmed and sends one transaction (a full replace on
// the first program and after a failure). Retries with capped exponential
// back-off by keeping its work dirty. Drift: the kernel's ruleset generation
// id is read after every transaction and at every refresh; while it is the
// one our last transaction left, nobody else changed anything (O(1)).
// Otherwise the table's shape is read back (netlink dumps, counts only) and
// only the drifted chains and sets are rewritten, in one transaction.
#include <algorithm>
#include <type_traits>
#include <variant>

#include "dataplane/dataplane.h"

namespace felix::dataplane {
namespace {

const Logger kLog("calico.felix.dataplane");

}  // namespace

Dataplane::Dataplane(NftBackend& backend, Clock& clock, DataplaneOptions options)
    : backend_(backend), clock_(clock), options_(options) {}

void Dataplane::OnUpdate(const calc::Message& m) {
  renderer_.Apply(m);
  dirty_ = true;
  const bool affects_resolution = std::holds_alternative<calc::HostEndpointUpdate>(m) ||
                                  std::holds_alternative<calc::HostEndpointRemove>(m) ||
                                  std::holds_alternative<calc::ConfigUpdate>(m);
  if (affects_resolution) Resolve();
}

void Dataplane::OnInterfaces(const InterfaceAddrs& interfaces) {
  interfaces_ = interfaces;
  const rules::InterfaceResolution before = renderer_.resolution();
  Resolve();
  if (renderer_.resolution() != before) dirty_ = true;
}

void Dataplane::Resolve() {
  const rules::DesiredState& s = renderer_.state();
  renderer_.SetResolution(
      ResolveInterfaces(s.host_endpoints, interfaces_, s.config.interface_prefixes));
}

bool Dataplane::Dirty() const {
  if (!renderer_.state().in_sync) return false;
  const Clock::time_point now = clock_.Now();
  if (retry_at_) return now >= *retry_at_;
  if (verify_now_) return true;
  if (dirty_ || need_full_replace_) return now >= ApplyNotBefore();
  return refresh_at_ && now >= *refresh_at_;
}

Clock::time_point Dataplane::ApplyNotBefore() const {
  if (!last_program_ || need_full_replace_) return Clock::time_point::min();
  return *last_program_ + options_.min_apply_interval;
}

std::optional<Clock::time_point> Dataplane::NextDeadline() const {
  if (!renderer_.state().in_sync) return std::nullopt;
  if (retry_at_) return retry_at_;
  if (dirty_ && !verify_now_) {
    const Clock::time_point at = ApplyNotBefore();
    if (!refresh_at_ || at < *refresh_at_) return at;
  }
  return refresh_at_;
}

Status Dataplane::Apply() {
  if (!renderer_.state().in_sync) return Status::Ok();  // keep any previous table as it is
  const Clock::time_point now = clock_.Now();
  if (retry_at_ && now < *retry_at_) return Status::Ok();  // backing off
  if (retry_at_ || ((dirty_ || need_full_replace_) && now >= ApplyNotBefore())) {
    Status st = Program();
    if (!st.ok()) return st;
  }
  if (verify_now_ || (refresh_at_ && now >= *refresh_at_)) return Refresh();
  return Status::Ok();
}

Status Dataplane::Program() {
  const rules::TableDelta& flushed = renderer_.Flush();
  const rules::Table& rendered = renderer_.table();
  // Chains the kernel rejected stay a drop until their rules change.
  std::optional<rules::TableDelta> trimmed;
  if (!quarantine_.empty()) trimmed = WithoutQuarantined(flushed, rendered);
  const rules::TableDelta& delta = trimmed ? *trimmed : flushed;
  const bool full = need_full_replace_ || !programmed_once_;
  std::optional<rules::Table> stubbed;
  if (full && !quarantine_.empty()) {
    std::set<std::string> names;
    for (const auto& [name, chain_rules] : quarantine_) names.insert(name);
    stubbed = Stubbed(rendered, names);
  }
  const rules::Table& desired = stubbed ? *stubbed : rendered;
  const Clock::time_point now = clock_.Now();
  last_program_ = now;
  // Changes of set members and of rules in regular chains (the common
  // cases: an endpoint IP joins or leaves a selector, a policy changes, an
  // endpoint moves to another list) and the full program go to netlink as
  // our own batch; the rest (maps, base chains, interval sets, forms
  // CompileRule does not take) is one libnftables script.
  // After a failed batch of our own the retry goes through libnftables (a
  // second encoder: a rule our compiler got wrong cannot wedge the table).
  std::optional<DirectChange> direct;
  if (direct_failed_) {
  } else if (!full) {
    direct = DirectChanges(programmed_, desired, delta);
  } else if (FullProgramIsDirect(desired)) {
    direct = DirectChange{};
    direct->replace = &desired;
  }
  std::string script;
  if (!direct) script = full ? FullReplaceScript(desired) : DiffDelta(programmed_, desired, delta);
  const bool any = direct ? !direct->empty() : !script.empty();
  Status st = !any ? Status::Ok() : direct ? backend_.Commit(*direct) : backend_.Run(script);
  if (direct && any) direct_failed_ = !st.ok();
  if (!direct && any && st.ok()) direct_failed_ = false;
  if (!st.ok() && full && !direct && !isolating_) {
    // Both encoders failed on the whole table: find what the kernel rejects
    // and program everything else.
    isolating_ = true;
    const bool isolated = Isolate(desired);
    isolating_ = false;
    if (isolated) {
      need_full_replace_ = true;
      return Program();
    }
  }
  if (!st.ok()) {
    backoff_ =
        backoff_.count() == 0 ? options_.retry_min : std::min(backoff_ * 2, options_.retry_max);
    retry_at_ = now + backoff_;
    need_full_replace_ = true;  // the kernel may not hold what we think
    health_ = Health{false, st.message()};
    FLOG_ERROR(kLog, "Failed to program table inet calico, retrying in {} ms: {}", backoff_.count(),
               st.message());
    return st;
  }
  if (full) {
    FLOG_INFO(kLog, "Programmed table inet calico: {} chains, {} sets", desired.chains.size(),
              desired.sets.size());
  }
  if (any) NoteGeneration(full);
  if (full) {
    programmed_ = desired;
  } else {
    rules::PatchTable(programmed_, desired, delta);
  }
  renderer_.ClearDelta();
  programmed_once_ = true;
  dirty_ = false;
  need_full_replace_ = false;
  retry_at_.reset();
  backoff_ = std::chrono::milliseconds(0);
  health_ = Health{};
  if (!refresh_at_ && options_.refresh_interval.count() > 0) {
    refresh_at_ = now + options_.refresh_interval;
  }
  return Status::Ok();
}

void Dataplane::NoteGeneration(bool after_full_replace) {
  Result<uint32_t> g = backend_.Generation();
  if (!g.ok()) {
    generation_.reset();  // unknown: the next refresh reads the table
    return;
  }
  // Our commit added exactly one; more means another process committed
  // since our last transaction (to any table): check ours now, and until
  // then the generation is not one we vouch for.
  if (!after_full_replace && generation_ && *g != *generation_ + 1) {
    verify_now_ = true;
    generation_.reset();
    return;
  }
  generation_ = *g;
}

Status Dataplane::Refresh() {
  if (!renderer_.state().in_sync || !programmed_once_) return Status::Ok();
  if (options_.refresh_interval.count() > 0) {
    refresh_at_ = clock_.Now() + options_.refresh_interval;
  }
  verify_now_ = false;
  // O(1) when nobody else committed since our last transaction.
  Result<uint32_t> g = backend_.Generation();
  if (g.ok() && generation_ && *g == *generation_) return Status::Ok();
  Result<TableShape> shape = backend_.ReadShape();
  if (!shape.ok()) {
    if (!shape.status().IsNotFound()) {
      FLOG_ERROR(kLog, "Failed to read table inet calico back: {}", shape.status().message());
      return shape.status();
    }
    FLOG_WARNING(kLog, "Repairing drift in table inet calico: missing table inet calico");
    need_full_replace_ = true;
    return Program();
  }
  const TableShape want = ShapeOf(programmed_);
  DriftedObjects drift = DriftedIn(want, *shape);
  if (drift.empty()) {
    if (g.ok()) generation_ = *g;  // read before the shape: a later change is seen next time
    return Status::Ok();
  }
  FLOG_WARNING(kLog, "Repairing drift in table inet calico: {}",
               fmt::join(DescribeDrift(want, *shape), "; "));
  Status st = backend_.Run(RepairScript(programmed_, drift));
  if (!st.ok()) {
    FLOG_ERROR(kLog, "Failed to repair table inet calico, replacing it: {}", st.message());
    need_full_replace_ = true;
    return Program();
  }
  NoteGeneration(/*after_full_replace=*/true);
  return Status::Ok();
}

}  // namespace felix::dataplane

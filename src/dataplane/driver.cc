// The Dataplane driver: queues desired state (OnUpdate, OnInterfaces: no
// kernel I/O; the IncrementalRenderer only records what a message touched),
// and in Apply() re-renders the touched parts, diffs only the changed keys
// against what it programmed and sends one transaction (a full replace on
// the first program and after a failure or drift). Retries with capped exponential back-off by
// keeping its work dirty; refreshes (reads back and repairs) every refresh interval.
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
  if (dirty_ || need_full_replace_) return true;
  return refresh_at_ && now >= *refresh_at_;
}

std::optional<Clock::time_point> Dataplane::NextDeadline() const {
  if (!renderer_.state().in_sync) return std::nullopt;
  if (retry_at_) return retry_at_;
  return refresh_at_;
}

Status Dataplane::Apply() {
  if (!renderer_.state().in_sync) return Status::Ok();  // keep any previous table as it is
  const Clock::time_point now = clock_.Now();
  if (retry_at_ && now < *retry_at_) return Status::Ok();  // backing off
  if (dirty_ || need_full_replace_ || retry_at_) {
    Status st = Program();
    if (!st.ok()) return st;
  }
  if (refresh_at_ && now >= *refresh_at_) return Refresh();
  return Status::Ok();
}

Status Dataplane::Program() {
  const rules::TableDelta& delta = renderer_.Flush();
  const rules::Table& desired = renderer_.table();
  const bool full = need_full_replace_ || !programmed_once_;
  std::string script = full ? FullReplaceScript(desired) : DiffDelta(programmed_, desired, delta);
  const Clock::time_point now = clock_.Now();
  Status st = script.empty() ? Status::Ok() : backend_.Run(script);
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

Status Dataplane::Refresh() {
  if (!renderer_.state().in_sync || !programmed_once_) return Status::Ok();
  if (options_.refresh_interval.count() > 0) {
    refresh_at_ = clock_.Now() + options_.refresh_interval;
  }
  Result<std::string> listing = backend_.ListTable();
  std::vector<std::string> drift;
  if (!listing.ok()) {
    if (!listing.status().IsNotFound()) {
      FLOG_ERROR(kLog, "Failed to read table inet calico back: {}", listing.status().message());
      return listing.status();
    }
    drift.push_back("missing table inet calico");
  } else {
    Result<TableShape> shape = ShapeFromNftJson(*listing);
    if (!shape.ok()) {
      FLOG_ERROR(kLog, "Cannot parse table inet calico: {}", shape.status().message());
      return shape.status();
    }
    drift = DescribeDrift(ShapeOf(programmed_), *shape);
  }
  if (drift.empty()) return Status::Ok();
  FLOG_WARNING(kLog, "Repairing drift in table inet calico: {}", fmt::join(drift, "; "));
  need_full_replace_ = true;
  return Program();
}

}  // namespace felix::dataplane

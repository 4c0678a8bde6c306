// The Dataplane driver: queues desired state (OnUpdate, OnInterfaces: no
// kernel I/O), and in Apply() renders, diffs against what it programmed and
// sends one transaction. Retries with capped exponential back-off by keeping
// its work dirty; refreshes (reads back and repairs) every refresh interval.
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
  rules::ApplyMessage(desired_, m);
  dirty_ = true;
  const bool affects_resolution = std::holds_alternative<calc::HostEndpointUpdate>(m) ||
                                  std::holds_alternative<calc::HostEndpointRemove>(m) ||
                                  std::holds_alternative<calc::ConfigUpdate>(m);
  if (affects_resolution) {
    resolution_ =
        ResolveInterfaces(desired_.host_endpoints, interfaces_, desired_.config.interface_prefixes);
  }
}

void Dataplane::OnInterfaces(const InterfaceAddrs& interfaces) {
  interfaces_ = interfaces;
  rules::InterfaceResolution r =
      ResolveInterfaces(desired_.host_endpoints, interfaces_, desired_.config.interface_prefixes);
  if (r == resolution_) return;
  resolution_ = std::move(r);
  dirty_ = true;
}

bool Dataplane::Dirty() const {
  if (!desired_.in_sync) return false;
  const Clock::time_point now = clock_.Now();
  if (retry_at_) return now >= *retry_at_;
  if (dirty_ || need_full_replace_) return true;
  return refresh_at_ && now >= *refresh_at_;
}

std::optional<Clock::time_point> Dataplane::NextDeadline() const {
  if (!desired_.in_sync) return std::nullopt;
  if (retry_at_) return retry_at_;
  return refresh_at_;
}

Status Dataplane::Apply() {
  if (!desired_.in_sync) return Status::Ok();  // keep any previous table as it is
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
  rules::Table desired = rules::Render(desired_, resolution_);
  const bool full = need_full_replace_ || !programmed_once_;
  std::string script = full ? FullReplaceScript(desired) : Diff(programmed_, desired);
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
  programmed_ = std::move(desired);
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
  if (!desired_.in_sync || !programmed_once_) return Status::Ok();
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

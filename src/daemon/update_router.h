// Routes raw datastore updates to where they belong: config keys into the
// etcd config maps (the daemon re-resolves config from them), the Ready key
// nowhere (the syncer gates on it), and every model key through decode +
// validation into the calc graph. A rejected value is logged at WARNING with
// the exact Felix line and reaches the graph as a deletion (DESIGN §2).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/log_limiter.h"
#include "calc/calc.h"
#include "model/model.h"

namespace felix::daemon {

class UpdateRouter {
 public:
  // Rejections of one key are logged at most once per kRejectionLogInterval
  // (read from `clock`); the next line says how many were held back.
  static constexpr std::chrono::seconds kRejectionLogInterval{10};
  UpdateRouter(model::ValidationContext ctx, calc::CalcGraph& graph,
               const Clock& clock = RealClock());

  // One update (raw empty = deleted). Returns true if the etcd config maps
  // changed (global, or per-host for this host).
  bool OnUpdate(std::string_view key, const std::optional<std::string>& raw);

  // Validation depends on InterfacePrefix; on a change, this host's workload
  // endpoints are decoded again and the graph told of any difference.
  void SetValidationContext(model::ValidationContext ctx);

  const std::map<std::string, std::string>& etcd_global() const { return etcd_global_; }
  const std::map<std::string, std::string>& etcd_host() const { return etcd_host_; }
  // Counts for metrics and tests.
  uint64_t rejected() const { return rejected_; }
  // The model::Key alternative of the last OnUpdate's key; -1 if not ours.
  int last_key_index() const { return last_key_index_; }

 private:
  void Decode(const model::Key& key, std::string_view raw);
  void LogRejection(const model::Key& key, const model::Decoded& d, std::string_view raw);

  model::ValidationContext ctx_;
  calc::CalcGraph& graph_;
  std::map<std::string, std::string> etcd_global_, etcd_host_;
  // Raw values of this host's workload endpoints, for re-validation.
  std::map<std::string, std::string> local_workloads_;
  uint64_t rejected_ = 0;
  int last_key_index_ = -1;
  LogLimiter rejection_log_;
};

}  // namespace felix::daemon

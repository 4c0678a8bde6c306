#include "daemon/update_router.h"

#include "base/log.h"
#include "base/overloaded.h"

namespace felix::daemon {
namespace {

// The logger name Felix 1.x used for validation failures; the guide greps
// the log for them.
const Logger kLog("calico.felix.fetcd");

// Sets (or with raw empty, erases) map[name]; true if the map changed.
bool SetOrErase(std::map<std::string, std::string>& map, const std::string& name,
                const std::optional<std::string>& raw) {
  const auto it = map.find(name);
  if (!raw) {
    if (it == map.end()) return false;
    map.erase(it);
    return true;
  }
  if (it != map.end() && it->second == *raw) return false;
  map[name] = *raw;
  return true;
}

}  // namespace

UpdateRouter::UpdateRouter(model::ValidationContext ctx, calc::CalcGraph& graph, const Clock& clock)
    : ctx_(std::move(ctx)), graph_(graph), rejection_log_(clock, kRejectionLogInterval) {}

bool UpdateRouter::OnUpdate(std::string_view key_text, const std::optional<std::string>& raw) {
  const std::optional<model::Key> key = model::ParseKey(key_text);
  last_key_index_ = key ? static_cast<int>(key->index()) : -1;
  if (!key) return false;  // not ours: ignored silently (spec §1)
  return std::visit(
      Overloaded{
          [&](const model::ReadyKey&) { return false; },
          [&](const model::GlobalConfigKey& k) { return SetOrErase(etcd_global_, k.name, raw); },
          [&](const model::HostConfigKey& k) {
            return k.hostname == ctx_.hostname && SetOrErase(etcd_host_, k.name, raw);
          },
          [&](const auto&) {
            if (const auto* wep = std::get_if<model::WorkloadEndpointKey>(&*key);
                wep != nullptr && wep->hostname == ctx_.hostname) {
              if (raw) {
                local_workloads_[std::string(key_text)] = *raw;
              } else {
                local_workloads_.erase(std::string(key_text));
              }
            }
            if (raw) {
              Decode(*key, *raw);
            } else {
              graph_.OnUpdate(*key, std::nullopt);
            }
            return false;
          },
      },
      *key);
}

void UpdateRouter::Decode(const model::Key& key, std::string_view raw) {
  model::Decoded d = model::DecodeValue(key, raw, ctx_);
  if (d.value) {
    rejection_log_.Clear(model::KeyPath(key));
  } else {
    ++rejected_;
    LogRejection(key, d, raw);
  }
  graph_.OnUpdate(key, d.value);
}

void UpdateRouter::LogRejection(const model::Key& key, const model::Decoded& d,
                                std::string_view raw) {
  int held_back = 0;
  if (!rejection_log_.Allow(model::KeyPath(key), &held_back)) return;
  const std::string line = model::RejectionLogLine(key, d.issues, raw);
  if (held_back == 0) {
    FLOG_WARNING(kLog, "{}", line);
  } else {
    FLOG_WARNING(kLog, "{} ({} more rejections of this key not logged)", line, held_back);
  }
}

void UpdateRouter::SetValidationContext(model::ValidationContext ctx) {
  const bool prefixes_changed = ctx.interface_prefixes != ctx_.interface_prefixes;
  ctx_ = std::move(ctx);
  if (!prefixes_changed) return;
  for (const auto& [key_text, raw] : local_workloads_) {
    if (auto key = model::ParseKey(key_text)) Decode(*key, raw);
  }
}

}  // namespace felix::daemon

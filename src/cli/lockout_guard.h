// The lockout guard of felixctl apply and rm (internal to the cli layer):
// before a change is written, the verdicts of the connections an operator
// cannot afford to lose are computed with `trace`'s evaluator on the
// datastore as it is and as it would be after the change. A change that
// turns one of them from allow to deny is refused with the rule that would
// drop it. Also warns about deny rules on failsafe ports (no effect while
// failsafe is on) and failsafe ports being disabled with no policy that
// allows what they did.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "daemon/host_model.h"
#include "datastore/datastore.h"

namespace felix::cli::internal {

struct GuardFindings {
  std::vector<std::string> refusals;  // each: what would be cut, where, by which rule
  std::vector<std::string> warnings;
  std::vector<std::string> notes;  // what was checked
};

// Pure: the findings for `changes` (value empty = deleted) between the
// host models before and after, given the inputs of each host concerned.
GuardFindings CheckChange(const GuardOptions& opts,
                          const std::vector<daemon::HostModelInputs>& hosts,
                          const std::vector<datastore::KeyUpdate>& changes);

// Lists etcd (and this machine's interfaces), picks the hosts `changes`
// concerns and runs CheckChange; prints warnings and refusals on `err`.
// True when the change may be written (no refusal, or opts.force).
bool GuardAllows(const GuardOptions& opts, const std::vector<datastore::KeyUpdate>& changes,
                 datastore::EtcdClient& etcd, std::ostream& err);

}  // namespace felix::cli::internal

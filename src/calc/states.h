// The state sequences the calc tests replay (see sequences.h), grouped by
// topic; each function lives in the states_*.cc file of the same name.
#pragma once

#include <vector>

#include "calc/sequences.h"

namespace felix::calc::testing {

// Host endpoints, profiles (missing, present, tags, labels, inheritance),
// workload endpoints, other hosts, invalid values.
std::vector<Sequence> EndpointSequences();
// Policy order, tiers, untracked policy, rule IP sets (selectors and tags,
// negated), shared IPs, equivalent selectors, asymmetric teardown.
std::vector<Sequence> PolicySequences();
// The objects of the guide "Using Calico to Secure Host Interfaces".
Sequence GuideSequence();

}  // namespace felix::calc::testing

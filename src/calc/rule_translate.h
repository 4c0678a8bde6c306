// Rule scanner: turns model rules into the dataplane's calc::Rule, replacing
// every tag and selector reference (positive and negated, source and
// destination) by the id of the IP set that stands for it ("t:<tag>", or the
// selector's unique id "s:..."), and lists the IP sets a rule list needs so
// that the IP-set index can refcount them. Pure functions.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "calc/messages.h"
#include "model/model.h"

namespace felix::calc {

// The IP-set id of a tag.
std::string TagIpSetId(const std::string& tag);

// One rule, translated. Within an id list the tag's id comes before the
// selector's (field order of the model).
Rule TranslateRule(const model::Rule& rule);
std::vector<Rule> TranslateRules(const std::vector<model::Rule>& rules);

// Calls on_selector / on_tag once per reference in `rules` (duplicates
// included: each reference is counted).
void ForEachIpSetRef(const std::vector<model::Rule>& rules,
                     const std::function<void(const selector::Selector&)>& on_selector,
                     const std::function<void(const std::string&)>& on_tag);

}  // namespace felix::calc

// Private JSON helpers of the model layer: a depth-limited, non-throwing parse
// that keeps object keys in input order, and renderings of JSON values the way
// Python 2 printed them in Felix 1.4.9's issue texts (repr() and str()), plus
// the Python semantics the validators need (int-ness, numeric equality,
// truthiness).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace felix::model::internal {

// Objects keep input key order (Python dicts print in insertion order in our
// renderings; a duplicate key keeps its first position and its last value, as
// json.loads + dict assignment did).
using Json = nlohmann::ordered_json;

// Parses raw JSON; empty on any syntax error, invalid UTF-8, or nesting
// deeper than max_depth (checked by a linear pre-scan so that the recursive
// parser never sees deep input). Never throws. Differences from Python's
// json.loads: a comma before a closing ] or } is allowed (the guide's own
// host endpoint example has one); a number overflowing a double (1e400) is an error here (Python
// gave inf), NaN/Infinity literals and lone surrogate escapes are errors.
std::optional<Json> ParseJson(std::string_view raw, int max_depth);

// Python 2 repr() of a decoded JSON value: dicts `{'k': v}` in input key order
// (CPython 2 printed dicts in hash order; we cannot reproduce that, so the
// order differs), strings via felix::PyRepr (byte strings, no u prefix), ints
// bare (ints above 2^63-1 were Python longs: suffix L), floats as Python's
// repr (`80.0`, `1e+16`, `inf`), true/false/null as True/False/None, lists
// `[a, b]`.
std::string PyRepr(const Json& v);
// Python 2 str(): like PyRepr but a top-level string is its raw text and a
// long has no L suffix.
std::string PyStr(const Json& v);
// Python repr() of a float.
std::string PyFloatRepr(double d);

// isinstance(v, int) in Python 2: JSON integers within int64 and booleans.
bool IsPyInt(const Json& v);
// The integer value of a PyInt (true = 1, false = 0).
long long PyIntValue(const Json& v);
// isinstance(v, numbers.Number): any JSON number or boolean.
bool IsPyNumber(const Json& v);
// The numeric value of a PyNumber as double.
double PyNumberValue(const Json& v);
// Python `v == n` for an integer n: numbers and booleans compare by value.
bool PyEqualsInt(const Json& v, long long n);
// Python truthiness: null, false, 0, 0.0, "", [], {} are false.
bool PyTruthy(const Json& v);

}  // namespace felix::model::internal

// Overloaded{lambdas...}: the visitor idiom for std::visit over a variant.
#pragma once

namespace felix {

template <typename... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <typename... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;  // needed by clang < 17

}  // namespace felix

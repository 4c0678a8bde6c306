// Private: the hashes behind Selector::unique_id(). A small self-contained
// SHA-256/SHA-224 (FIPS 180-4; no crypto library is available) and unpadded
// base64url (RFC 4648 §5). Tested against the FIPS "abc" vectors.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace felix::selector {

std::array<uint8_t, 32> Sha256(std::string_view data);
std::array<uint8_t, 28> Sha224(std::string_view data);

// Lower-case hex of `bytes` (for tests and logs).
std::string HexEncode(std::string_view bytes);
// base64url without '=' padding.
std::string Base64UrlEncode(std::string_view bytes);

}  // namespace felix::selector

// fmt's implementation, compiled once for all of dax. With FMT_HEADER_ONLY every file that
// formats compiled it again (about 5 CPU-seconds each at -O2, 74 files); here the headers declare
// and this file defines, as libfmt.so's own format.cc does, and no libfmt.so is needed at run time.
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {
// What format.h declares `extern template` or only declares: instantiated here, for char.
template FMT_API auto dragonbox::to_decimal(float x) noexcept -> dragonbox::decimal_fp<float>;
template FMT_API auto dragonbox::to_decimal(double x) noexcept -> dragonbox::decimal_fp<double>;
template FMT_API auto thousands_sep_impl(locale_ref) -> thousands_sep_result<char>;
template FMT_API auto decimal_point_impl(locale_ref) -> char;
#if FMT_VERSION >= 100000
// fmt 10 (Debian 13) declares this one extern too; fmt 9 (Debian 12) instantiates it where used.
template FMT_API void vformat_to(buffer<char>&, string_view, typename vformat_args<>::type, locale_ref);
#endif
}  // namespace detail
FMT_END_NAMESPACE

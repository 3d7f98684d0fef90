/* Symbol visibility for the public API.
 *
 * The library is built with -fvisibility=hidden; only declarations marked
 * LINEAGE_API are exported. Static consumers define LINEAGE_STATIC (the
 * installed lineage.pc and CMake package config do this for the static
 * target) so that no visibility attribute is applied. */
#ifndef LINEAGE_EXPORT_H
#define LINEAGE_EXPORT_H

#if defined(LINEAGE_STATIC)
#define LINEAGE_API
#elif defined(_WIN32)
#if defined(LINEAGE_BUILDING)
#define LINEAGE_API __declspec(dllexport)
#else
#define LINEAGE_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define LINEAGE_API __attribute__((visibility("default")))
#else
#define LINEAGE_API
#endif

#endif

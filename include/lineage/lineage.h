/* lineage: process ancestry in Windows memory dumps.
 *
 * The umbrella header. The pipeline is
 *   read (reader.h) -> dump model (dump.h) -> tree (tree.h)
 * and each stage is documented in its own header. */
#ifndef LINEAGE_LINEAGE_H
#define LINEAGE_LINEAGE_H

#include <lineage/export.h>
#include <lineage/version.h>
#include <lineage/status.h>
#include <lineage/diag.h>
#include <lineage/level.h>
#include <lineage/session.h>
#include <lineage/dump.h>
#include <lineage/tree.h>
#include <lineage/reader.h>
#include <lineage/splitter.h>
#include <lineage/render.h>
#include <lineage/template.h>
#include <lineage/rules.h>
#include <lineage/profile.h>
#include <lineage/diff.h>
#include <lineage/graph.h>
#include <lineage/report.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The library's version, "MAJOR.MINOR.PATCH"; static storage. */
LINEAGE_API const char *lineage_version(void);

/** The versions of the libraries in use, asked of them at run time: one
 * line each, "PCRE2 10.42\nlibxml2 2.9.14\ncmark-gfm 0.29.0.gfm.6\n".
 * The caller frees the result with free(). */
LINEAGE_API char *lineage_dependency_versions(void);

#ifdef __cplusplus
}
#endif

#endif

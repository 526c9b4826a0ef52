// The gateway's schema, as an ordered list of migrations. Append new
// migrations at the end; never edit one that has shipped.
#ifndef CTG_STORE_SCHEMA_H_
#define CTG_STORE_SCHEMA_H_

#include "absl/types/span.h"
#include "store/database.h"

namespace ctg::store {

absl::Span<const Migration> GatewayMigrations();

}  // namespace ctg::store

#endif  // CTG_STORE_SCHEMA_H_

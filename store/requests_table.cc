#include "store/requests_table.h"

namespace ctg::store {

const char kRequestsSchema[] = R"sql(
CREATE TABLE requests (
  id TEXT PRIMARY KEY
);
)sql";

}  // namespace ctg::store

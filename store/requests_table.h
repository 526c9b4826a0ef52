// Data requests (the étude d'opportunité), their versions, transitions and
// questions. Owned by the workflow (issue #6).
#ifndef CTG_STORE_REQUESTS_TABLE_H_
#define CTG_STORE_REQUESTS_TABLE_H_

namespace ctg::store {

// Migration 3 of store/schema.cc.
extern const char kRequestsSchema[];

}  // namespace ctg::store

#endif  // CTG_STORE_REQUESTS_TABLE_H_

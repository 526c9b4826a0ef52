// A service deciding a rule itself: rules_in_policy_check.sh must fail on it
// (ctest policy_rules_check_detects_violation).
bool MayOpine(ctg::policy::RequestState s) {
  return ctg::policy::IsLegalFrom(s, ctg::policy::RequestAction::kReject);
}

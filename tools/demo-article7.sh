#!/usr/bin/env bash
# Adds Article 7's two other exchanges to the demo (after tools/demo-data.sh,
# on a gateway started by tools/run-demo.sh):
#   - a request of the Caf to Le Bouscat (CREQ-000001: places in crèches by
#     IRIS, with a table template), studied and approved by the commune's
#     reviewer, the commune's file uploaded and downloaded by the Caf;
#   - a release to Le Bouscat (a request filed, approved and downloaded),
#     two onward-transfer agreements on it, one approved and one rejected by
#     a Caf reviewer, and the extract downloaded again: its receipt lists
#     the approved agreement (`ctg extract verify` shows it, `ctg request
#     show` lists both).
#
#   tools/demo-article7.sh DEMO_DIR      (CTG_GATEWAY and CTG_CA must be set)
set -euo pipefail
cd "$(dirname "$0")/.."
demo="${1:?usage: tools/demo-article7.sh DEMO_DIR}"
as() {
  CTG_CERT="$demo/pki/clients/$1.pem" CTG_KEY="$demo/pki/clients/$1.key" build/cli/ctg "${@:2}"
}
id_of() { sed -n '1s/ .*//p'; }

# R1, the Caf asks the commune.
creq=$(as caf-requester caf-request submit --commune 33069 \
  --purpose "Diagnostic partagé de la CTG : offre d'accueil du jeune enfant par IRIS" \
  --objective "Axe II.1 petite enfance" \
  --description "Places en crèche municipale par IRIS au 31 décembre 2023" \
  --column territory,period,places_creche --territory 330690101,330690102 --period 2023 \
  --recipient "Service action sociale de la Caf" --retention 24 | id_of)
as commune-reviewer-33069 commune-review start "$creq" >/dev/null
as commune-reviewer-33069 commune-review approve "$creq" \
  --opportunity "Utile au diagnostic partagé de la CTG" \
  --feasibility "Données tenues par le service petite enfance" --downloads 2 >/dev/null
printf 'territory,period,places_creche\n330690101,2023,42\n330690102,2023,18\n' \
  >"$demo/places-creche-2023.csv"
as commune-reviewer-33069 commune-review upload "$creq" "$demo/places-creche-2023.csv" \
  --no-personal-data >/dev/null
as caf-requester caf-request download "$creq" -o "$demo/places-creche-2023.from-commune.csv" \
  >/dev/null

# R3, an onward transfer of a release Le Bouscat holds.
req=$(as requester-33069 request submit \
  --purpose "Atelier parentalité : familles monoparentales par IRIS" \
  --objective "Axe I.2 veille sociale territoriale" \
  --indicator allocataires --territory 33069 --period 2023 | id_of)
as reviewer review start "$req" >/dev/null
as reviewer review approve "$req" --opportunity "Dans l'axe I.2" \
  --feasibility "Commune entière, au-dessus des seuils" --downloads 2 >/dev/null
as requester-33069 extract get "$req" -o "$demo/extract-$req.csv" >/dev/null
extract_id=$(sed -n 's/^extract_id,//p' "$demo/extract-$req.csv")
agr=$(as requester-33069 transfer ask "$extract_id" --recipient "Centre social du Bouscat" \
  --purpose "Préparer l'atelier parentalité du quartier Champ de courses" | id_of)
as reviewer transfer approve "$agr" --reason "Partenaire de la CTG, usage dans ses objectifs" \
  >/dev/null
rejected=$(as requester-33069 transfer ask "$extract_id" --recipient "Journal municipal" \
  --purpose "Publier la carte des familles monoparentales" | id_of)
as reviewer transfer reject "$rejected" --reason "Diffusion publique : hors de l'usage déclaré" \
  >/dev/null
# Downloaded again (the second of two downloads): the receipt lists $agr.
as requester-33069 extract get "$req" -o "$demo/extract-$req.csv" --force 2>/dev/null
echo "Article 7 demo: $creq (the Caf's request, uploaded and downloaded), $req released as" \
  "$extract_id, agreement $agr approved (listed in the release's receipt), $rejected rejected"

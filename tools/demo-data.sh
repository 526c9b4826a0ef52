#!/usr/bin/env bash
# Loads the demo into a running gateway (called by tools/run-demo.sh):
# synthetic statistical bases for 2022 and 2023 (ctg-synth --mode demo) and
# the conventions of Le Bouscat (33069) and Eysines (33162).
#
#   tools/demo-data.sh DEMO_DIR      (CTG_GATEWAY and CTG_CA must be set)
set -euo pipefail
cd "$(dirname "$0")/.."
demo="${1:?usage: tools/demo-data.sh DEMO_DIR}"
ctg=build/cli/ctg
admin=(env CTG_CERT="$demo/pki/clients/admin.pem" CTG_KEY="$demo/pki/clients/admin.key")

build/tools/ctg-synth/ctg-synth --mode demo --periods 2022,2023 --out "$demo/data" >/dev/null
for period in 2022 2023; do
  "${admin[@]}" "$ctg" admin import "$demo/data/statistics-$period.csv" --period "$period"
done
"${admin[@]}" "$ctg" admin convention create --commune 33069 --name "Le Bouscat" \
  --from 2020-03-01 --until 2027-12-31 --perimeter 33069 \
  --prior "2018-09-01:Échange de données sur les EAJE (convention antérieure)" >/dev/null
"${admin[@]}" "$ctg" admin convention create --commune 33162 --name "Eysines" \
  --from 2021-01-01 --until 2027-12-31 --perimeter 33162 >/dev/null
echo "demo data loaded: bases 2022 and 2023, conventions CTG-33069-1 and CTG-33162-1"

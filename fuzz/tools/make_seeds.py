#!/usr/bin/env python3
"""Writes the hand-made seeds of the spiffe_id, request_validation and
sdc_table targets into fuzz/corpus/<target>/ (the csv_import seeds are CSV
files kept as they are; the audit seeds come from make_audit_seeds.cc).

The binary seeds follow the decoders of fuzz/entry/*_entry.cc (ByteReader:
Range() takes 1 byte when the span fits, else 2 little-endian bytes).
Deterministic: running it again rewrites the same bytes.

    python3 fuzz/tools/make_seeds.py
"""
import os
import random

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus")


def write(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


# ---- spiffe_id: URIs ----
TD = "spiffe://caf33.example"
for name, uri in {
    "requester": TD + "/commune/33069/requester/marie.dupont",
    "operator": TD + "/commune/2A004/operator/ops-1",
    "reviewer": TD + "/caf/33/reviewer/alice",
    "admin": TD + "/caf/caf-33/admin/root_1",
    "auditor": TD + "/caf/33/auditor/a.b-c_d",
    "wrong_domain": "spiffe://caf34.example/caf/33/reviewer/alice",
    "no_path": TD,
    "role_of_other_kind": TD + "/commune/33069/reviewer/alice",
    "dot_person": TD + "/caf/33/admin/..",
    "five_segments": TD + "/caf/33/admin/x/y",
    "percent": TD + "/caf/33/admin/al%69ce",
    "https": "https://caf33.example/caf/33/admin/x",
    "upper_caf": TD + "/caf/CAF/admin/x",
    "long_person": TD + "/caf/33/admin/" + "p" * 65,
}.items():
    write("spiffe_id", name, uri)


# ---- request_validation: ByteReader encodings ----
def rng(lo, hi, v):
    span = hi - lo + 1
    x = v - lo
    if span <= 0x100:
        return bytes([x])
    if span <= 0x10000:
        return x.to_bytes(2, "little")
    return x.to_bytes(4, "little")


def code(i):  # dictionary entry i
    return bytes([i])


def raw_code(s):
    b = s.encode()
    return bytes([224, len(b)]) + b


def text(s):  # a ShortString text
    b = s.encode()
    return bytes([0, len(b)]) + b


def repeated(unit_index, n, prefix=False):
    return bytes([1, 1 if prefix else 0, unit_index]) + rng(0, 300, n)


def lst(*items):
    return bytes([len(items)]) + b"".join(items)


def scope(ind=(0,), terr=(0,), per=(0,), brk=()):
    return (lst(*[code(i) for i in ind]) + lst(*[code(i) for i in terr]) +
            lst(*[code(i) for i in per]) + lst(*[code(i) for i in brk]))


DEFAULT_LIMITS = b"\x01"
SMALL_LIMITS = b"\x00" + bytes([5] * 8) + bytes([2] * 6) + bytes([1, 6, 3])
PURPOSE = text("Diagnostic CTG: accueil du jeune enfant par IRIS")
OBJECTIVE = text("Petite enfance")


def submission(limits=DEFAULT_LIMITS, purpose=PURPOSE, objective=OBJECTIVE,
               justification=text(""), sc=None, recipients=b"\x00", retention=b"\x01" + bytes([15])):
    return (b"\x00" + limits + purpose + objective + justification +
            (sc if sc is not None else scope()) + recipients + retention)


rv = "request_validation"
write(rv, "submission_ok", submission())
write(rv, "submission_breakdowns", submission(sc=scope(ind=(0, 1), terr=(0, 1, 3), per=(0, 1), brk=(0, 1))))
write(rv, "submission_recipients", submission(
    recipients=bytes([2]) + bytes([1, 1]) + code(0) + code(3) + bytes([2, 1]) + code(2) + code(0)))
write(rv, "submission_duplicate_territory", submission(sc=scope(terr=(0, 0))))
write(rv, "submission_bidi", submission(purpose=repeated(10, 3, True)))
write(rv, "submission_long_objective", submission(objective=repeated(2, 201)))
write(rv, "submission_small_limits", submission(limits=SMALL_LIMITS))
write(rv, "submission_blank_justification", submission(justification=repeated(6, 2)))
write(rv, "amendment_ok", b"\x01" + DEFAULT_LIMITS + PURPOSE + b"\x00" + text("Voici la réponse.") +
      text("") + b"\x01" + scope())
write(rv, "amendment_new_purpose", b"\x01" + DEFAULT_LIMITS + PURPOSE + b"\x01" + text("autre") +
      text("r") + text("") + b"\x00")


def opinion(value_sel=1, reasoning=text("Favorable: besoin avéré"), reviewer=0):
    return bytes([1, value_sel]) + reasoning + code(reviewer)


def decision(dec=b"\x01\x00", opp=None, fea=None, requested=None, given=b"\x00", conv=b"\x00",
             end=b"\x00", quota=b"\x01", reasons=b"\x00", four=b"\x00"):
    return (b"\x02" + DEFAULT_LIMITS + dec + (opp or opinion()) + (fea or opinion(reviewer=1)) +
            (requested or scope(ind=(0, 1), terr=(0, 1))) + given + rng(-1000, 1000, 0) + conv +
            end + quota + reasons + four)


write(rv, "decision_approve", decision())
write(rv, "decision_approve_narrowed", decision(given=b"\x01" + scope(ind=(0,), terr=(1,))))
write(rv, "decision_approve_end_time", decision(conv=b"\x01" + b"\x05" + rng(-100000, 100000, 5000),
                                                end=b"\x01" + b"\x04" + rng(-100000, 100000, 100)))
write(rv, "decision_reject", decision(dec=b"\x01\x01", reasons=b"\x01" + text("Hors convention")))
write(rv, "decision_four_eyes", decision(fea=opinion(reviewer=0), four=b"\x01"))
write(rv, "questions", b"\x03" + DEFAULT_LIMITS + b"\x02" + text("Quels IRIS ?") + repeated(3, 4))
write(rv, "text_line", b"\x04\x00\x01\x00\x01" + text("Une ligne"))
write(rv, "text_raw_utf8", b"\x04\x01\x05\x01\x01\x01" + "é\u2028\x7f\xc0".encode("utf-8", "surrogatepass"))

# ---- sdc_table: random tables (every input decodes to a valid table) ----
r = random.Random(20240601)
for i in range(12):
    n = r.choice([16, 32, 64, 128, 200])
    write("sdc_table", "table_%02d" % i, bytes(r.randrange(256) for _ in range(n)))
# Three IRIS, one QPV over the first two, a count block with one breakdown.
write("sdc_table", "three_iris_qpv", bytes([3, 1, 0b011, 1, 0, 0, 1, 1]) + bytes(
    r.choice([0, 90, 120, 200, 250]) for _ in range(120)) + bytes([3, 0xff, 0, 0x7f, 1, 0x0f, 0]))

# sdc_table mode 0xFF: release memories (docs/secret-statistique.md).
write("sdc_table", "memory_text", b"\xff" + (
    "ctg-sdc-memory v1\n"
    "M\t330690001\t2023\tallocataires\tfamily_type\tisolated\t\t\tv1\n"
    "P\t33069\t2023\tallocataires\t\t\t120\t0\tv1\n"
    "P\t33069\t2023\thousing_aid_amount\t\t\t40\t9100\tv2\\twith\\\\escapes\n").encode())
write("sdc_table", "memory_empty", b"\xffctg-sdc-memory v1\n")
# sdc_table mode 0xFE: hand-filled models, valid and broken.
for i in range(6):
    write("sdc_table", "hand_filled_%d" % i,
          b"\xfe" + bytes(r.randrange(256) for _ in range(r.choice([40, 80, 120]))))

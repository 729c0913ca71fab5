package store

// This file is identity at intake (issues 19:1 and 15:3). A young person registered without a
// personnummer is unidentified: the concern may be about someone with protected identity whom
// nobody has matched yet, so until identified the record is handled as protected — the access
// facts and the case page treat it exactly like a protected identity (address, school and
// meeting places only for the designated roles).

// unidentifiedSQL is true for a young person (alias y) registered without a personnummer whose
// identity nobody has confirmed.
const unidentifiedSQL = `(y.personal_number IS NULL AND y.identity_confirmed_at IS NULL)`

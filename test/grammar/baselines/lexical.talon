talon 1
# Every lexical diagnostic, once.
const s1 = "never closed
const s2 = "bad \x escape and \u{D800}"
const r1 = /(a)\1(?<=b)/
const r2 = /a/gx
const r3 = /(unclosed/
const d1 = 90mins
const d2 = 30m1h
const z1 = 4MB
const n1 = 9007199254740993
const c1 = a ; b

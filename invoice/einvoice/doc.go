// Package einvoice builds Vietnamese electronic VAT invoices: the legal
// document of a sale in Vietnam, whose XML (not its PDF view) is the
// invoice. It is pure: no storage, no I/O, no clock and no package-level
// state; every time is an argument.
//
// # Total in words
//
// AmountInWords writes the "Số tiền viết bằng chữ" line: the total in
// Vietnamese words, capitalised, with the currency's units. Numbers are
// read in groups of three digits (trăm, mươi, đơn vị) with the scales
// nghìn (10³), triệu (10⁶) and tỷ (10⁹), which repeats above itself (10¹²
// is "một nghìn tỷ"). The usual rules of reading apply: 10 to 19 are
// "mười …", a one after twenty or more is "mốt", a five after ten or more
// is "lăm", a zero tens digit between hundreds and units is "linh", a
// group after a larger one is read in full ("một triệu không trăm linh
// năm nghìn" for 1,005,000), and groups of zeros are left out. Four after
// twenty or more stays "bốn" (not the colloquial "tư") and thousands are
// "nghìn" (not the southern "ngàn"), as the tax authority's own examples
// write them.
package einvoice

"""One writer per kind of export; each streams its rows into a write-only workbook
through `cxlean.exports.sheets.Sheet` (the formula-injection rules live there)."""

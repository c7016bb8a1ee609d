package money

// isoTable is ISO 4217 List One (active codes, as published 2026-01-01) with
// each code's minor digits, as 4-byte records "CODE" + digit, sorted by code so
// that lookups can binary-search it.
//
// It is a constant, not a map, so the table cannot be changed at run time and
// needs no initialisation.
//
// Left out on purpose:
//   - codes whose minor unit is "N.A." in the standard, which have no minor
//     unit to round to: the precious metals XAU, XAG, XPD, XPT, the units of
//     account XDR, XSU, XUA, XBA, XBB, XBC, XBD, and XTS (testing) and XXX
//     (no currency);
//   - withdrawn codes such as ANG (replaced by XCG), BGN and HRK (replaced by
//     EUR), CUC, SLL (replaced by SLE) and ZWL (replaced by ZWG).
//
// Editing this table changes which stored amounts can be read back, so only
// add codes that ISO adds (keeping the order), and never change a code's
// digits without a data migration.
const isoTable = "" +
	"AED2" + // UAE Dirham
	"AFN2" + // Afghani
	"ALL2" + // Lek
	"AMD2" + // Armenian Dram
	"AOA2" + // Kwanza
	"ARS2" + // Argentine Peso
	"AUD2" + // Australian Dollar
	"AWG2" + // Aruban Florin
	"AZN2" + // Azerbaijan Manat
	"BAM2" + // Convertible Mark
	"BBD2" + // Barbados Dollar
	"BDT2" + // Taka
	"BHD3" + // Bahraini Dinar
	"BIF0" + // Burundi Franc
	"BMD2" + // Bermudian Dollar
	"BND2" + // Brunei Dollar
	"BOB2" + // Boliviano
	"BOV2" + // Mvdol
	"BRL2" + // Brazilian Real
	"BSD2" + // Bahamian Dollar
	"BTN2" + // Ngultrum
	"BWP2" + // Pula
	"BYN2" + // Belarusian Ruble
	"BZD2" + // Belize Dollar
	"CAD2" + // Canadian Dollar
	"CDF2" + // Congolese Franc
	"CHE2" + // WIR Euro
	"CHF2" + // Swiss Franc
	"CHW2" + // WIR Franc
	"CLF4" + // Unidad de Fomento
	"CLP0" + // Chilean Peso
	"CNY2" + // Yuan Renminbi
	"COP2" + // Colombian Peso
	"COU2" + // Unidad de Valor Real
	"CRC2" + // Costa Rican Colon
	"CUP2" + // Cuban Peso
	"CVE2" + // Cabo Verde Escudo
	"CZK2" + // Czech Koruna
	"DJF0" + // Djibouti Franc
	"DKK2" + // Danish Krone
	"DOP2" + // Dominican Peso
	"DZD2" + // Algerian Dinar
	"EGP2" + // Egyptian Pound
	"ERN2" + // Nakfa
	"ETB2" + // Ethiopian Birr
	"EUR2" + // Euro
	"FJD2" + // Fiji Dollar
	"FKP2" + // Falkland Islands Pound
	"GBP2" + // Pound Sterling
	"GEL2" + // Lari
	"GHS2" + // Ghana Cedi
	"GIP2" + // Gibraltar Pound
	"GMD2" + // Dalasi
	"GNF0" + // Guinean Franc
	"GTQ2" + // Quetzal
	"GYD2" + // Guyana Dollar
	"HKD2" + // Hong Kong Dollar
	"HNL2" + // Lempira
	"HTG2" + // Gourde
	"HUF2" + // Forint
	"IDR2" + // Rupiah
	"ILS2" + // New Israeli Sheqel
	"INR2" + // Indian Rupee
	"IQD3" + // Iraqi Dinar
	"IRR2" + // Iranian Rial
	"ISK0" + // Iceland Krona
	"JMD2" + // Jamaican Dollar
	"JOD3" + // Jordanian Dinar
	"JPY0" + // Yen
	"KES2" + // Kenyan Shilling
	"KGS2" + // Som
	"KHR2" + // Riel
	"KMF0" + // Comorian Franc
	"KPW2" + // North Korean Won
	"KRW0" + // Won
	"KWD3" + // Kuwaiti Dinar
	"KYD2" + // Cayman Islands Dollar
	"KZT2" + // Tenge
	"LAK2" + // Lao Kip
	"LBP2" + // Lebanese Pound
	"LKR2" + // Sri Lanka Rupee
	"LRD2" + // Liberian Dollar
	"LSL2" + // Loti
	"LYD3" + // Libyan Dinar
	"MAD2" + // Moroccan Dirham
	"MDL2" + // Moldovan Leu
	"MGA2" + // Malagasy Ariary
	"MKD2" + // Denar
	"MMK2" + // Kyat
	"MNT2" + // Tugrik
	"MOP2" + // Pataca
	"MRU2" + // Ouguiya
	"MUR2" + // Mauritius Rupee
	"MVR2" + // Rufiyaa
	"MWK2" + // Malawi Kwacha
	"MXN2" + // Mexican Peso
	"MXV2" + // Mexican Unidad de Inversion (UDI)
	"MYR2" + // Malaysian Ringgit
	"MZN2" + // Mozambique Metical
	"NAD2" + // Namibia Dollar
	"NGN2" + // Naira
	"NIO2" + // Cordoba Oro
	"NOK2" + // Norwegian Krone
	"NPR2" + // Nepalese Rupee
	"NZD2" + // New Zealand Dollar
	"OMR3" + // Rial Omani
	"PAB2" + // Balboa
	"PEN2" + // Sol
	"PGK2" + // Kina
	"PHP2" + // Philippine Peso
	"PKR2" + // Pakistan Rupee
	"PLN2" + // Zloty
	"PYG0" + // Guarani
	"QAR2" + // Qatari Rial
	"RON2" + // Romanian Leu
	"RSD2" + // Serbian Dinar
	"RUB2" + // Russian Ruble
	"RWF0" + // Rwanda Franc
	"SAR2" + // Saudi Riyal
	"SBD2" + // Solomon Islands Dollar
	"SCR2" + // Seychelles Rupee
	"SDG2" + // Sudanese Pound
	"SEK2" + // Swedish Krona
	"SGD2" + // Singapore Dollar
	"SHP2" + // Saint Helena Pound
	"SLE2" + // Leone
	"SOS2" + // Somali Shilling
	"SRD2" + // Surinam Dollar
	"SSP2" + // South Sudanese Pound
	"STN2" + // Dobra
	"SVC2" + // El Salvador Colon
	"SYP2" + // Syrian Pound
	"SZL2" + // Lilangeni
	"THB2" + // Baht
	"TJS2" + // Somoni
	"TMT2" + // Turkmenistan New Manat
	"TND3" + // Tunisian Dinar
	"TOP2" + // Pa'anga
	"TRY2" + // Turkish Lira
	"TTD2" + // Trinidad and Tobago Dollar
	"TWD2" + // New Taiwan Dollar
	"TZS2" + // Tanzanian Shilling
	"UAH2" + // Hryvnia
	"UGX0" + // Uganda Shilling
	"USD2" + // US Dollar
	"USN2" + // US Dollar (Next day)
	"UYI0" + // Uruguay Peso en Unidades Indexadas (UI)
	"UYU2" + // Peso Uruguayo
	"UYW4" + // Unidad Previsional
	"UZS2" + // Uzbekistan Sum
	"VED2" + // Bolivar Soberano (digital)
	"VES2" + // Bolivar Soberano
	"VND0" + // Dong
	"VUV0" + // Vatu
	"WST2" + // Tala
	"XAD2" + // Arab Accounting Dinar
	"XAF0" + // CFA Franc BEAC
	"XCD2" + // East Caribbean Dollar
	"XCG2" + // Caribbean Guilder
	"XOF0" + // CFA Franc BCEAO
	"XPF0" + // CFP Franc
	"YER2" + // Yemeni Rial
	"ZAR2" + // Rand
	"ZMW2" + // Zambian Kwacha
	"ZWG2" // Zimbabwe Gold

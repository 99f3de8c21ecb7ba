"""The words news uses for a country beside its names: its people's ("Spanish", "Spaanse", "Spanjaarden") and its
capital's, as the seat of its government ("Washington besloot ...", "Moscow says ...").

"Which Spanish minister ...?" asks about Spain: a passage that writes "Spain's defence minister" names it, so the
words for its people are its names everywhere (rag.names). A capital is the country only where its government is
meant: "Welke Amerikaanse president ...?" is answered by "president Donald Trump ... dat Washington zijn handtekening
intrekt", but "in Washington" is no more the US than "Kyiv" in a question is every passage on Ukraine. ISO
3166 (pycountry) lists no such words, so they are here, by country code, for the countries news about Europe, the war
in Ukraine and arms treaties names. A word with another common meaning is left out: a language ("Spaans", "Frans",
"Engels"), a word for two countries ("Korean"), a capital that is mostly the seat of something else ("The Hague": the
courts; "Brussels": the EU).
"""
from __future__ import annotations

DEMONYMS: dict[str, str] = {
    "AF": "Afghan, Afghans, Afghaanse, Afghanen",
    "AT": "Austrian, Austrians, Oostenrijkse, Oostenrijkers",
    "AU": "Australian, Australians, Australische, Australiërs",
    "BE": "Belgian, Belgians, Belgische, Belgen",
    "BG": "Bulgarian, Bulgarians, Bulgaarse, Bulgaren",
    "BR": "Brazilian, Brazilians, Braziliaanse, Brazilianen",
    "BY": "Belarusian, Belarusians, Belarussische, Wit-Russische",
    "CA": "Canadian, Canadians, Canadese, Canadezen",
    "CH": "Swiss, Zwitserse",
    "CN": "Chinese, Chinezen",
    "CZ": "Czech, Czechs, Tsjechische, Tsjechen",
    "DE": "German, Germans, Duitse, Duitsers",
    "DK": "Danish, Danes, Deense, Denen",
    "EE": "Estonian, Estonians, Estse, Esten",
    "EG": "Egyptian, Egyptians, Egyptische, Egyptenaren",
    "ES": "Spanish, Spaniards, Spaanse, Spanjaarden",
    "FI": "Finnish, Finns, Finse, Finnen",
    "FR": "French, Franse, Fransen",
    "GB": "British, Britons, Britse, Britten",
    "GR": "Greek, Greeks, Griekse, Grieken",
    "HU": "Hungarian, Hungarians, Hongaarse, Hongaren",
    "IE": "Irish, Ierse, Ieren",
    "IL": "Israeli, Israelis, Israëlische, Israëliërs",
    "IN": "Indian, Indians, Indiase, Indiërs",
    "IQ": "Iraqi, Iraqis, Iraakse, Irakezen",
    "IR": "Iranian, Iranians, Iraanse, Iraniërs",
    "IT": "Italian, Italians, Italiaanse, Italianen",
    "JP": "Japanese, Japanse, Japanners",
    "KH": "Cambodian, Cambodians, Cambodjaanse, Cambodjanen",
    "KP": "North Korean, North Koreans, Noord-Koreaanse, Noord-Koreanen",
    "KR": "South Korean, South Koreans, Zuid-Koreaanse, Zuid-Koreanen",
    "LA": "Laotian, Laotians, Laotiaanse",
    "LB": "Lebanese, Libanese, Libanezen",
    "LT": "Lithuanian, Lithuanians, Litouwse, Litouwers",
    "LV": "Latvian, Latvians, Letse, Letten",
    "MX": "Mexican, Mexicans, Mexicaanse, Mexicanen",
    "NL": "Dutch, Nederlandse, Nederlanders",
    "NO": "Norwegian, Norwegians, Noorse, Noren",
    "NZ": "New Zealander, New Zealanders, Nieuw-Zeelandse, Nieuw-Zeelanders",
    "PK": "Pakistani, Pakistanis, Pakistaanse, Pakistanen",
    "PL": "Polish, Poles, Poolse, Polen",
    "PT": "Portuguese, Portugese, Portugezen",
    "RO": "Romanian, Romanians, Roemeense, Roemenen",
    "RU": "Russian, Russians, Russische, Russen",
    "SA": "Saudi, Saudis, Saudische, Saudiërs",
    "SE": "Swedish, Swedes, Zweedse, Zweden",
    "SK": "Slovak, Slovaks, Slowaakse, Slowaken",
    "SY": "Syrian, Syrians, Syrische, Syriërs",
    "TR": "Turkish, Turks, Turkse, Turks",
    "UA": "Ukrainian, Ukrainians, Oekraïense, Oekraïners",
    "US": "American, Americans, Amerikaanse, Amerikanen",
    "VN": "Vietnamese, Vietnamezen",
}

CAPITALS: dict[str, str] = {
    "CN": "Beijing, Peking", "DE": "Berlin, Berlijn", "ES": "Madrid", "FR": "Paris, Parijs", "GB": "London, Londen",
    "IT": "Rome", "PL": "Warsaw, Warschau", "RU": "Moscow, Moskou", "UA": "Kyiv, Kiev, Kyjiv", "US": "Washington",
}


def demonyms(code: str) -> frozenset[str]:
    """The words for the people of the country with ISO 3166 code `code` (none where not listed)."""
    return _listed(DEMONYMS, code)


def capitals(code: str) -> frozenset[str]:
    """The names of the capital of the country with ISO 3166 code `code` (none where not listed)."""
    return _listed(CAPITALS, code)


def _listed(table: dict[str, str], code: str) -> frozenset[str]:
    return frozenset(w for w in table.get(code, "").split(", ") if w)

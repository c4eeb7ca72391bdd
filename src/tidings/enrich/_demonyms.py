"""Nationality words for place topics: the adjectives and nouns for a country's people.
Data only, re-exported by `tidings.enrich._gazetteer`; `tidings.enrich.places` builds the
lookup. Written for Tidings from general knowledge."""

from __future__ import annotations

from typing import Final

# Nationality words: the adjectives and nouns English-language news uses for a country's people
# and things ("Chinese", "Afghans", "a Briton"), each counted as a mention of the place. Line
# format: ``place :: words``; the place is the display label of a country, territory or world
# region in `_gazetteer`, and each word (plural forms listed as words of their own) may appear
# once only. Lookups ignore case, diacritics, full stops, apostrophes and hyphens, like place
# names.
#
# Left out on purpose:
# - religious and ethnic groups that are not a nationality: Jewish, Muslim, Christian, Hindu,
#   Sikh, Arab, Kurdish, Uyghur, Pashtun, Hazara, Tamil, Rohingya, Berber, Tibetan, Roma...;
# - words with two common senses: Georgian (the country, the US state, the era), Dominican
#   for Dominica (the Dominican Republic's in the news), Central African (the region or the
#   republic), Macedonian (North Macedonia's or Greek Macedonia's), Persian (a language and a
#   gulf), Kiwi, Yankee;
# - historical nationalities with no country today (Soviet, Yugoslav, Rhodesian);
# - forms of three words or more ("Papua New Guinean"), which are never looked up.
# Countries without a word here: Central African Republic, Dominica, Georgia, Micronesia
# ("Micronesian" is the wider region too), Papua New Guinea, Republic of the Congo (its
# "Congolese" is the larger neighbour's) and Vatican City.
# Choices: "Indian" is India, its overwhelming news sense; "Korean" alone is South Korea;
# "Congolese" is the Democratic Republic of the Congo; "English", "Scottish", "Welsh" and
# "Northern Irish" are the United Kingdom and "Irish" is Ireland; "European", "African" and
# "Asian" are the world regions.
DEMONYMS: Final = """
Afghanistan :: Afghan | Afghans | Afghanistani
Albania :: Albanian | Albanians
Algeria :: Algerian | Algerians
Andorra :: Andorran | Andorrans
Angola :: Angolan | Angolans
Antigua and Barbuda :: Antiguan | Antiguans
Argentina :: Argentine | Argentines | Argentinian | Argentinians | Argentinean | Argentineans
Armenia :: Armenian | Armenians
Australia :: Australian | Australians | Aussie | Aussies
Austria :: Austrian | Austrians
Azerbaijan :: Azerbaijani | Azerbaijanis | Azeri | Azeris
Bahamas :: Bahamian | Bahamians
Bahrain :: Bahraini | Bahrainis
Bangladesh :: Bangladeshi | Bangladeshis
Barbados :: Barbadian | Barbadians | Bajan | Bajans
Belarus :: Belarusian | Belarusians | Belarusan | Belarussian | Byelorussian
Belgium :: Belgian | Belgians
Belize :: Belizean | Belizeans
Benin :: Beninese
Bhutan :: Bhutanese
Bolivia :: Bolivian | Bolivians
Bosnia and Herzegovina :: Bosnian | Bosnians
Botswana :: Botswanan | Motswana | Batswana
Brazil :: Brazilian | Brazilians
Brunei :: Bruneian | Bruneians
Bulgaria :: Bulgarian | Bulgarians
Burkina Faso :: Burkinabe
Burundi :: Burundian | Burundians
Cambodia :: Cambodian | Cambodians
Cameroon :: Cameroonian | Cameroonians
Canada :: Canadian | Canadians
Cape Verde :: Cape Verdean | Cape Verdeans
Chad :: Chadian | Chadians
Chile :: Chilean | Chileans
China :: Chinese
Colombia :: Colombian | Colombians
Comoros :: Comorian | Comorians
Costa Rica :: Costa Rican | Costa Ricans
Croatia :: Croatian | Croatians | Croat | Croats
Cuba :: Cuban | Cubans
Cyprus :: Cypriot | Cypriots | Greek Cypriot | Greek Cypriots | Turkish Cypriot | Turkish Cypriots
Czech Republic :: Czech | Czechs
Democratic Republic of the Congo :: Congolese
Denmark :: Danish | Dane | Danes
Djibouti :: Djiboutian | Djiboutians
Dominican Republic :: Dominican | Dominicans
East Timor :: Timorese | East Timorese
Ecuador :: Ecuadorian | Ecuadorians | Ecuadorean | Ecuadoreans
Egypt :: Egyptian | Egyptians
El Salvador :: Salvadoran | Salvadorans | Salvadorean | Salvadoreans
Equatorial Guinea :: Equatorial Guinean | Equatorial Guineans | Equatoguinean | Equatoguineans
Eritrea :: Eritrean | Eritreans
Estonia :: Estonian | Estonians
Eswatini :: Swazi | Swazis | Emaswati
Ethiopia :: Ethiopian | Ethiopians
Fiji :: Fijian | Fijians
Finland :: Finnish | Finns
France :: French | Frenchman | Frenchmen | Frenchwoman | Frenchwomen
Gabon :: Gabonese
Gambia :: Gambian | Gambians
Germany :: German | Germans
Ghana :: Ghanaian | Ghanaians
Greece :: Greek | Greeks
Grenada :: Grenadian | Grenadians
Guatemala :: Guatemalan | Guatemalans
Guinea :: Guinean | Guineans
Guinea-Bissau :: Bissau-Guinean | Bissau-Guineans
Guyana :: Guyanese
Haiti :: Haitian | Haitians
Honduras :: Honduran | Hondurans
Hungary :: Hungarian | Hungarians
Iceland :: Icelandic | Icelander | Icelanders
India :: Indian | Indians
Indonesia :: Indonesian | Indonesians
Iran :: Iranian | Iranians
Iraq :: Iraqi | Iraqis
Ireland :: Irish | Irishman | Irishmen | Irishwoman
Israel :: Israeli | Israelis
Italy :: Italian | Italians
Ivory Coast :: Ivorian | Ivorians
Jamaica :: Jamaican | Jamaicans
Japan :: Japanese
Jordan :: Jordanian | Jordanians
Kazakhstan :: Kazakh | Kazakhs | Kazakhstani | Kazakhstanis
Kenya :: Kenyan | Kenyans
Kiribati :: I-Kiribati
Kosovo :: Kosovar | Kosovars | Kosovan | Kosovans
Kuwait :: Kuwaiti | Kuwaitis
Kyrgyzstan :: Kyrgyz | Kyrgyzstani
Laos :: Laotian | Laotians
Latvia :: Latvian | Latvians
Lebanon :: Lebanese
Lesotho :: Basotho | Mosotho
Liberia :: Liberian | Liberians
Libya :: Libyan | Libyans
Liechtenstein :: Liechtensteiner | Liechtensteiners
Lithuania :: Lithuanian | Lithuanians
Luxembourg :: Luxembourger | Luxembourgers | Luxembourgish
Madagascar :: Malagasy
Malawi :: Malawian | Malawians
Malaysia :: Malaysian | Malaysians
Maldives :: Maldivian | Maldivians
Mali :: Malian | Malians
Malta :: Maltese
Marshall Islands :: Marshallese
Mauritania :: Mauritanian | Mauritanians
Mauritius :: Mauritian | Mauritians
Mexico :: Mexican | Mexicans
Moldova :: Moldovan | Moldovans
Monaco :: Monegasque | Monegasques
Mongolia :: Mongolian | Mongolians
Montenegro :: Montenegrin | Montenegrins
Morocco :: Moroccan | Moroccans
Mozambique :: Mozambican | Mozambicans
Myanmar :: Burmese | Myanmarese
Namibia :: Namibian | Namibians
Nauru :: Nauruan | Nauruans
Nepal :: Nepali | Nepalis | Nepalese
Netherlands :: Dutch | Dutchman | Dutchmen | Dutchwoman
New Zealand :: New Zealander | New Zealanders
Nicaragua :: Nicaraguan | Nicaraguans
Niger :: Nigerien | Nigeriens
Nigeria :: Nigerian | Nigerians
North Korea :: North Korean | North Koreans
North Macedonia :: North Macedonian | North Macedonians
Norway :: Norwegian | Norwegians
Oman :: Omani | Omanis
Pakistan :: Pakistani | Pakistanis
Palau :: Palauan | Palauans
Palestine :: Palestinian | Palestinians
Panama :: Panamanian | Panamanians
Paraguay :: Paraguayan | Paraguayans
Peru :: Peruvian | Peruvians
Philippines :: Filipino | Filipinos | Filipina | Filipinas | Philippine
Poland :: Polish | Pole | Poles
Portugal :: Portuguese
Qatar :: Qatari | Qataris
Romania :: Romanian | Romanians
Russia :: Russian | Russians
Rwanda :: Rwandan | Rwandans
Saint Kitts and Nevis :: Kittitian | Kittitians
Saint Lucia :: Saint Lucian | Saint Lucians | St Lucian | St Lucians
Saint Vincent and the Grenadines :: Vincentian | Vincentians
Samoa :: Samoan | Samoans
San Marino :: Sammarinese
Sao Tome and Principe :: Santomean | Santomeans
Saudi Arabia :: Saudi | Saudis | Saudi Arabian | Saudi Arabians
Senegal :: Senegalese
Serbia :: Serbian | Serbians | Serb | Serbs
Seychelles :: Seychellois
Sierra Leone :: Sierra Leonean | Sierra Leoneans
Singapore :: Singaporean | Singaporeans
Slovakia :: Slovak | Slovaks | Slovakian | Slovakians
Slovenia :: Slovenian | Slovenians | Slovene | Slovenes
Solomon Islands :: Solomon Islander | Solomon Islanders
Somalia :: Somali | Somalis
South Africa :: South African | South Africans
South Korea :: South Korean | South Koreans | Korean | Koreans
South Sudan :: South Sudanese
Spain :: Spanish | Spaniard | Spaniards
Sri Lanka :: Sri Lankan | Sri Lankans
Sudan :: Sudanese
Suriname :: Surinamese
Sweden :: Swedish | Swede | Swedes
Switzerland :: Swiss
Syria :: Syrian | Syrians
Taiwan :: Taiwanese
Tajikistan :: Tajik | Tajiks | Tajikistani
Tanzania :: Tanzanian | Tanzanians
Thailand :: Thai | Thais
Togo :: Togolese
Tonga :: Tongan | Tongans
Trinidad and Tobago :: Trinidadian | Trinidadians | Tobagonian | Tobagonians
Tunisia :: Tunisian | Tunisians
Turkey :: Turkish | Turk | Turks
Turkmenistan :: Turkmen | Turkmenistani
Tuvalu :: Tuvaluan | Tuvaluans
Uganda :: Ugandan | Ugandans
Ukraine :: Ukrainian | Ukrainians
United Arab Emirates :: Emirati | Emiratis
United Kingdom :: British | Briton | Britons | Brit | Brits | English | Englishman | Englishmen | Scottish | Scot | Scots | Welsh | Welshman | Northern Irish
United States :: American | Americans
Uruguay :: Uruguayan | Uruguayans
Uzbekistan :: Uzbek | Uzbeks | Uzbekistani
Vanuatu :: Ni-Vanuatu | Vanuatuan
Venezuela :: Venezuelan | Venezuelans
Vietnam :: Vietnamese
Yemen :: Yemeni | Yemenis
Zambia :: Zambian | Zambians
Zimbabwe :: Zimbabwean | Zimbabweans
Hong Kong :: Hongkonger | Hongkongers | Hong Konger | Hong Kongers
Macau :: Macanese
Greenland :: Greenlander | Greenlanders | Greenlandic
Faroe Islands :: Faroese
Puerto Rico :: Puerto Rican | Puerto Ricans
Guam :: Guamanian | Guamanians
Gibraltar :: Gibraltarian | Gibraltarians
Bermuda :: Bermudian | Bermudians
Falkland Islands :: Falkland Islander | Falkland Islanders
New Caledonia :: New Caledonian | New Caledonians
Europe :: European | Europeans
Africa :: African | Africans
Asia :: Asian | Asians
North Africa :: North African | North Africans
West Africa :: West African | West Africans
East Africa :: East African | East Africans
Middle East :: Middle Eastern
East Asia :: East Asian | East Asians
Southeast Asia :: Southeast Asian | Southeast Asians
South Asia :: South Asian | South Asians
Central Asia :: Central Asian | Central Asians
Eastern Europe :: Eastern European | Eastern Europeans
Western Europe :: Western European | Western Europeans
Northern Europe :: Scandinavian | Scandinavians | Nordic
Balkans :: Balkan
North America :: North American | North Americans
Central America :: Central American | Central Americans
South America :: South American | South Americans
Latin America :: Latin American | Latin Americans
"""

"""Place names for place topics: countries, their cities and regions, territories and
supranational regions. Data only; `tidings.enrich.places` builds the lookup.

Written for Tidings from general knowledge (names of countries, capitals and provinces).

Line format of `COUNTRIES`: ``names :: cities :: regions``, each part a ``|``-separated list.
The first name is the display label of the topic; the others are other common names and
abbreviations. Cities and regions roll up to the country (scored a little lower than the
country named directly). Lookups ignore case, diacritics, full stops, apostrophes, hyphens and
a leading "the" ("U.S.", "US" and "the US" are one name). A name may appear under one country
only; the lookup refuses to build otherwise.

Choices:
- The list is the 193 UN members plus Taiwan, Kosovo, Palestine and the Vatican.
- Disputed places map to the country the UN recognises as sovereign: Crimea, Donbas, Donetsk
  and Luhansk → Ukraine; Gaza, the West Bank and East Jerusalem → Palestine; Northern Cyprus →
  Cyprus. Jerusalem (unqualified) → Israel, where the news about it usually is; Kashmir →
  India (Jammu and Kashmir); Tibet and Xinjiang → China.
- Historical names in current news use (Burma, Swaziland, Holland, Zaire is not) map to today's
  country; the Soviet Union and Yugoslavia do not map to anything.
- Hong Kong, Macau and a few other territories with news of their own are place topics
  themselves (`TERRITORIES`) and also count, at half weight, towards their sovereign country:
  a reader following China sees a big Hong Kong story, but a Hong Kong story is not mainly
  about China.
- "Korea" alone is South Korea; "Congo" alone is the Democratic Republic of the Congo;
  "Macedonia" is North Macedonia; "America" and "Washington" are the United States (the
  capital and the state are both in it); "Paris", "London", "Sydney" are the big cities, not
  their namesakes in Texas, Ontario or Nova Scotia ("Paris, Texas" resolves through "Texas").
- Names with two common senses (Georgia, Birmingham, Punjab, Kashmir...) are in `AMBIGUOUS`,
  with a default sense and the countries whose presence in the article picks another one.
  "Georgia" defaults to the US state, the more frequent sense in English-language news; an
  article that also names Tbilisi, Russia, Armenia or Azerbaijan gets the country.
"""

from __future__ import annotations

from typing import Final

from tidings.enrich._demonyms import DEMONYMS

__all__ = [
    "AMBIGUOUS",
    "COUNTRIES",
    "DEMONYMS",
    "SUPRANATIONAL",
    "TERRITORIES",
    "TERRITORY_PARENT_WEIGHT",
]

COUNTRIES: Final = """
Afghanistan | Islamic Emirate of Afghanistan | Islamic Republic of Afghanistan :: Kabul | Kandahar | Herat | Mazar-i-Sharif | Jalalabad | Kunduz | Bagram :: Helmand | Panjshir | Nangarhar | Badakhshan | Khost | Ghazni | Balkh
Albania | Republic of Albania :: Tirana | Durres
Algeria | People's Democratic Republic of Algeria :: Algiers | Oran | Constantine
Andorra :: Andorra la Vella
Angola :: Luanda | Huambo :: Cabinda
Antigua and Barbuda | Antigua :: St. John's
Argentina | Argentine Republic :: Buenos Aires | Cordoba | Rosario | Mendoza | La Plata :: Patagonia | Tierra del Fuego
Armenia | Republic of Armenia :: Yerevan | Gyumri
Australia | Commonwealth of Australia :: Canberra | Sydney | Melbourne | Brisbane | Adelaide | Gold Coast | Darwin | Hobart | Cairns :: New South Wales | Queensland | South Australia | Western Australia | Tasmania | Northern Territory | Australian Capital Territory
Austria | Republic of Austria :: Vienna | Salzburg | Graz | Linz | Innsbruck :: Tyrol | Carinthia | Styria
Azerbaijan | Republic of Azerbaijan :: Baku | Ganja | Sumgait :: Karabakh | Nakhchivan
Bahamas | The Bahamas | Commonwealth of The Bahamas :: Nassau | Freeport :: Grand Bahama | Abaco | Abaco Islands | Great Abaco Island | Andros Island
Bahrain | Kingdom of Bahrain :: Manama
Bangladesh | People's Republic of Bangladesh :: Dhaka | Chittagong | Chattogram | Khulna | Sylhet | Cox's Bazar
Barbados :: Bridgetown
Belarus | Republic of Belarus | Byelorussia :: Minsk | Gomel | Brest | Grodno | Vitebsk
Belgium | Kingdom of Belgium :: Brussels | Antwerp | Ghent | Liege | Bruges | Charleroi :: Flanders | Wallonia
Belize :: Belmopan | Belize City
Benin | Republic of Benin :: Porto-Novo | Cotonou
Bhutan | Kingdom of Bhutan :: Thimphu
Bolivia | Plurinational State of Bolivia :: La Paz | Sucre | Santa Cruz de la Sierra | Cochabamba | El Alto
Bosnia and Herzegovina | Bosnia | Bosnia-Herzegovina | BiH :: Sarajevo | Banja Luka | Mostar | Srebrenica :: Republika Srpska
Botswana | Republic of Botswana :: Gaborone
Brazil | Federative Republic of Brazil | Brasil :: Brasilia | Sao Paulo | Rio de Janeiro | Rio | Salvador | Fortaleza | Belo Horizonte | Manaus | Recife | Porto Alegre | Curitiba | Belem :: Amazonas | Bahia | Minas Gerais | Rio Grande do Sul | Parana | Para | Roraima | Mato Grosso
Brunei | Brunei Darussalam :: Bandar Seri Begawan
Bulgaria | Republic of Bulgaria :: Sofia | Plovdiv | Varna | Burgas
Burkina Faso | Burkina :: Ouagadougou | Bobo-Dioulasso
Burundi | Republic of Burundi :: Gitega | Bujumbura
Cambodia | Kingdom of Cambodia :: Phnom Penh | Siem Reap | Sihanoukville
Cameroon | Republic of Cameroon :: Yaounde | Douala | Bamenda
Canada :: Ottawa | Toronto | Montreal | Vancouver | Calgary | Edmonton | Winnipeg | Quebec City | Halifax | Hamilton | Mississauga :: Ontario | Quebec | British Columbia | Alberta | Manitoba | Saskatchewan | Nova Scotia | New Brunswick | Newfoundland | Newfoundland and Labrador | Prince Edward Island | Yukon | Nunavut | Northwest Territories
Cape Verde | Cabo Verde :: Praia
Central African Republic | CAR :: Bangui
Chad | Republic of Chad :: N'Djamena
Chile | Republic of Chile :: Santiago de Chile | Valparaiso | Concepcion | Antofagasta :: Easter Island | Atacama | Araucania
China | People's Republic of China | PRC | P.R.C. | mainland China | Mainland China | Chinese mainland | Zhongguo :: Beijing | Peking | Shanghai | Guangzhou | Canton | Shenzhen | Zhongnanhai | Tianjin | Chongqing | Wuhan | Chengdu | Nanjing | Hangzhou | Xian | Xi'an | Suzhou | Qingdao | Dalian | Shenyang | Harbin | Changsha | Zhengzhou | Jinan | Kunming | Xiamen | Fuzhou | Hefei | Nanning | Guilin | Urumqi | Kashgar | Lhasa | Hohhot | Lanzhou | Yinchuan | Xining | Taiyuan | Shijiazhuang | Nanchang | Guiyang | Haikou | Sanya | Ningbo | Wenzhou | Dongguan | Foshan | Zhuhai | Yiwu :: Xinjiang | Xinjiang Uygur Autonomous Region | Tibet | Tibet Autonomous Region | Guangxi | Guangdong | Fujian | Zhejiang | Jiangsu | Shandong | Hebei | Henan | Hubei | Hunan | Sichuan | Yunnan | Guizhou | Shaanxi | Shanxi | Gansu | Qinghai | Ningxia | Inner Mongolia | Heilongjiang | Jilin | Liaoning | Anhui | Jiangxi | Hainan | Manchuria | Pearl River Delta | Greater Bay Area
Colombia | Republic of Colombia :: Bogota | Medellin | Cali | Barranquilla | Cartagena
Comoros | Union of the Comoros :: Moroni
Costa Rica | Republic of Costa Rica :: San Jose, Costa Rica | Limon
Croatia | Republic of Croatia :: Zagreb | Split | Rijeka | Dubrovnik :: Dalmatia
Cuba | Republic of Cuba :: Havana | Santiago de Cuba :: Guantanamo | Guantanamo Bay
Cyprus | Republic of Cyprus :: Nicosia | Limassol | Larnaca | Famagusta | Paphos :: Northern Cyprus
Czech Republic | Czechia :: Prague | Brno | Ostrava | Pilsen | Plzen :: Bohemia | Moravia
Democratic Republic of the Congo | Democratic Republic of Congo | DR Congo | DRC | D.R. Congo | Congo-Kinshasa :: Kinshasa | Lubumbashi | Goma | Bukavu | Kisangani | Beni | Butembo :: North Kivu | South Kivu | Ituri | Katanga | Kasai
Denmark | Kingdom of Denmark :: Copenhagen | Aarhus | Odense | Aalborg :: Jutland
Djibouti | Republic of Djibouti :: Djibouti City
Dominica | Commonwealth of Dominica :: Roseau
Dominican Republic :: Santo Domingo | Punta Cana
East Timor | Timor-Leste | Timor Leste :: Dili
Ecuador | Republic of Ecuador :: Quito | Guayaquil | Cuenca :: Galapagos | Galapagos Islands
Egypt | Arab Republic of Egypt :: Cairo | Alexandria | Giza | Luxor | Aswan | Port Said | Suez | Sharm el-Sheikh | Ismailia :: Sinai | Sinai Peninsula
El Salvador :: San Salvador
Equatorial Guinea :: Malabo | Bata
Eritrea | State of Eritrea :: Asmara | Massawa
Estonia | Republic of Estonia :: Tallinn | Tartu | Narva
Eswatini | Swaziland :: Mbabane | Lobamba | Manzini
Ethiopia | Federal Democratic Republic of Ethiopia :: Addis Ababa | Mekelle | Gondar | Dire Dawa | Bahir Dar :: Tigray | Amhara | Oromia | Afar | Ogaden
Fiji | Republic of Fiji :: Suva | Nadi
Finland | Republic of Finland :: Helsinki | Espoo | Tampere | Turku | Oulu :: Lapland
France | French Republic :: Paris | Marseille | Lyon | Toulouse | Nice | Nantes | Strasbourg | Bordeaux | Lille | Montpellier | Elysee Palace | Rennes | Calais | Cannes | Versailles :: Corsica | Brittany | Normandy | Provence | Alsace | Burgundy | Ile-de-France | Occitanie | Aquitaine | Champagne
Gabon | Gabonese Republic :: Libreville | Port-Gentil
Gambia | The Gambia | Republic of the Gambia :: Banjul
Georgia | Republic of Georgia | Sakartvelo :: Tbilisi | Batumi | Kutaisi :: Abkhazia | South Ossetia | Adjara
Germany | Federal Republic of Germany | Deutschland :: Berlin | Hamburg | Munich | Cologne | Frankfurt | Stuttgart | Dusseldorf | Dortmund | Essen | Leipzig | Bremen | Dresden | Hanover | Nuremberg | Bonn :: Bavaria | Baden-Wurttemberg | Saxony | Thuringia | Brandenburg | Hesse | North Rhine-Westphalia | Lower Saxony | Rhineland-Palatinate | Schleswig-Holstein | Mecklenburg-Vorpommern | Saxony-Anhalt | Saarland
Ghana | Republic of Ghana :: Accra | Kumasi | Tamale
Greece | Hellenic Republic | Hellas :: Athens | Thessaloniki | Piraeus | Patras | Heraklion :: Crete | Rhodes | Lesbos | Corfu | Santorini | Peloponnese | Attica
Grenada :: St. George's
Guatemala | Republic of Guatemala :: Guatemala City | Quetzaltenango
Guinea | Republic of Guinea | Guinea-Conakry :: Conakry
Guinea-Bissau :: Bissau
Guyana | Co-operative Republic of Guyana :: Georgetown
Haiti | Republic of Haiti :: Port-au-Prince | Cap-Haitien
Honduras | Republic of Honduras :: Tegucigalpa | San Pedro Sula
Hungary :: Budapest | Debrecen | Szeged
Iceland :: Reykjavik
India | Republic of India | Bharat :: New Delhi | Delhi | Mumbai | Bombay | Kolkata | Calcutta | Chennai | Madras | Bengaluru | Bangalore | Ahmedabad | Pune | Surat | Jaipur | Lucknow | Kanpur | Nagpur | Patna | Bhopal | Chandigarh | Amritsar | Srinagar | Varanasi | Agra | Kochi | Thiruvananthapuram | Guwahati | Bhubaneswar | Ayodhya :: Jammu and Kashmir | Ladakh | Uttar Pradesh | Maharashtra | Bihar | West Bengal | Tamil Nadu | Karnataka | Kerala | Gujarat | Rajasthan | Madhya Pradesh | Andhra Pradesh | Telangana | Odisha | Orissa | Assam | Manipur | Haryana | Uttarakhand | Himachal Pradesh | Jharkhand | Chhattisgarh | Goa | Sikkim | Arunachal Pradesh | Nagaland | Mizoram | Meghalaya | Tripura
Indonesia | Republic of Indonesia :: Jakarta | Surabaya | Bandung | Medan | Semarang | Makassar | Yogyakarta | Denpasar | Palembang | Nusantara :: Bali | Java | Sumatra | Aceh | Papua | West Papua | Sulawesi | Borneo | Kalimantan | Lombok | Banten | Maluku
Iran | Islamic Republic of Iran | Persia :: Tehran | Mashhad | Isfahan | Karaj | Shiraz | Tabriz | Qom | Ahvaz | Natanz | Bushehr | Bandar Abbas :: Khuzestan | Kurdistan Province | Sistan and Baluchestan
Iraq | Republic of Iraq :: Baghdad | Basra | Mosul | Erbil | Kirkuk | Najaf | Karbala | Fallujah | Ramadi | Sulaymaniyah | Tikrit :: Kurdistan | Iraqi Kurdistan | Kurdistan Region | Anbar | Nineveh
Ireland | Republic of Ireland | Eire :: Dublin | Cork | Galway | Limerick | Waterford :: County Galway | County Clare | County Cork | County Kerry | Donegal
Israel | State of Israel :: Jerusalem | Tel Aviv | Haifa | Eilat | Beersheba | Ashdod | Ashkelon | Netanya :: Negev
Italy | Italian Republic | Italia :: Rome | Milan | Naples | Turin | Palermo | Genoa | Bologna | Florence | Venice | Bari | Catania | Verona | Pisa :: Sicily | Sardinia | Lombardy | Tuscany | Veneto | Piedmont | Campania | Calabria | Puglia | Apulia | Lampedusa | Emilia-Romagna | Liguria
Ivory Coast | Cote d'Ivoire | Côte d’Ivoire :: Yamoussoukro | Abidjan | Bouake
Jamaica :: Kingston | Montego Bay
Japan | Nippon :: Tokyo | Osaka | Yokohama | Nagoya | Sapporo | Kobe | Kyoto | Fukuoka | Kawasaki | Hiroshima | Sendai | Nagasaki | Fukushima | Naha :: Okinawa | Hokkaido | Honshu | Kyushu | Shikoku | Kanto | Kansai
Jordan | Hashemite Kingdom of Jordan :: Amman | Zarqa | Irbid | Aqaba | Petra
Kazakhstan | Republic of Kazakhstan :: Astana | Nur-Sultan | Almaty | Shymkent | Karaganda | Aktobe | Baikonur
Kenya | Republic of Kenya :: Nairobi | Mombasa | Kisumu | Nakuru | Eldoret
Kiribati :: Tarawa | South Tarawa
Kosovo | Republic of Kosovo :: Pristina | Prishtina | Mitrovica | Prizren
Kuwait | State of Kuwait :: Kuwait City
Kyrgyzstan | Kyrgyz Republic | Kirghizia :: Bishkek | Osh
Laos | Lao PDR | Lao People's Democratic Republic :: Vientiane | Luang Prabang
Latvia | Republic of Latvia :: Riga | Daugavpils
Lebanon | Lebanese Republic :: Beirut | Sidon | Tyre | Baalbek :: Bekaa Valley | Bekaa
Lesotho | Kingdom of Lesotho :: Maseru
Liberia | Republic of Liberia :: Monrovia
Libya | State of Libya :: Tripoli | Benghazi | Misrata | Sirte | Tobruk :: Cyrenaica | Fezzan
Liechtenstein :: Vaduz
Lithuania | Republic of Lithuania :: Vilnius | Kaunas | Klaipeda
Luxembourg | Grand Duchy of Luxembourg :: Luxembourg City
Madagascar | Republic of Madagascar :: Antananarivo | Toamasina
Malawi | Republic of Malawi :: Lilongwe | Blantyre
Malaysia :: Kuala Lumpur | Putrajaya | George Town | Johor Bahru | Ipoh | Kota Kinabalu | Kuching | Malacca :: Sabah | Sarawak | Johor | Penang | Selangor | Kelantan
Maldives | Republic of Maldives :: Male
Mali | Republic of Mali :: Bamako | Timbuktu | Gao | Kidal | Mopti
Malta | Republic of Malta :: Valletta | Gozo
Marshall Islands | Republic of the Marshall Islands :: Majuro | Bikini Atoll
Mauritania | Islamic Republic of Mauritania :: Nouakchott
Mauritius | Republic of Mauritius :: Port Louis
Mexico | United Mexican States :: Mexico City | Guadalajara | Monterrey | Puebla | Tijuana | Ciudad Juarez | Juarez | Cancun | Acapulco | Culiacan | Merida | Oaxaca | Veracruz | Chihuahua | Mazatlan | Matamoros | Nuevo Laredo :: Sinaloa | Jalisco | Michoacan | Guerrero | Sonora | Tamaulipas | Baja California | Chiapas | Yucatan | Quintana Roo | Nuevo Leon | Zacatecas | Coahuila
Micronesia | Federated States of Micronesia :: Palikir
Moldova | Republic of Moldova :: Chisinau | Tiraspol :: Transnistria | Gagauzia
Monaco | Principality of Monaco :: Monte Carlo
Mongolia :: Ulaanbaatar | Ulan Bator
Montenegro :: Podgorica | Budva | Kotor
Morocco | Kingdom of Morocco :: Rabat | Casablanca | Marrakesh | Marrakech | Fez | Tangier | Agadir
Mozambique | Republic of Mozambique :: Maputo | Beira | Nampula :: Cabo Delgado
Myanmar | Burma | Republic of the Union of Myanmar :: Naypyidaw | Nay Pyi Taw | Yangon | Rangoon | Mandalay :: Rakhine | Rakhine State | Shan State | Kachin | Karen State | Kayin | Chin State | Sagaing
Namibia | Republic of Namibia :: Windhoek | Walvis Bay
Nauru | Republic of Nauru :: Yaren
Nepal :: Kathmandu | Pokhara | Lalitpur
Netherlands | The Netherlands | Holland | Kingdom of the Netherlands :: Amsterdam | The Hague | Rotterdam | Utrecht | Eindhoven | Groningen | Maastricht :: North Holland | South Holland | Friesland | Limburg
New Zealand | Aotearoa :: Wellington | Auckland | Christchurch | Dunedin | Queenstown :: Canterbury | Otago | Waikato
Nicaragua | Republic of Nicaragua :: Managua
Niger | Republic of Niger :: Niamey | Agadez | Zinder
Nigeria | Federal Republic of Nigeria :: Abuja | Lagos | Kano | Ibadan | Port Harcourt | Maiduguri | Kaduna | Benin City | Enugu :: Borno | Kaduna State | Niger Delta | Biafra | Zamfara | Katsina | Plateau State | Rivers State
North Korea | Democratic People's Republic of Korea | DPRK | D.P.R.K. :: Pyongyang | Kaesong | Sinuiju | Wonsan | Hamhung | Yongbyon
North Macedonia | Macedonia | Republic of North Macedonia | FYROM :: Skopje | Ohrid | Bitola
Norway | Kingdom of Norway :: Oslo | Bergen | Trondheim | Stavanger | Tromso :: Svalbard
Oman | Sultanate of Oman :: Muscat | Salalah
Pakistan | Islamic Republic of Pakistan :: Islamabad | Karachi | Lahore | Rawalpindi | Peshawar | Quetta | Faisalabad | Multan | Abbottabad | Gwadar :: Sindh | Balochistan | Baluchistan | Khyber Pakhtunkhwa | Waziristan | North Waziristan | South Waziristan | Gilgit-Baltistan | Azad Kashmir
Palau | Republic of Palau :: Ngerulmud | Koror
Palestine | State of Palestine | Palestinian territories | Palestinian Territories | occupied Palestinian territories | Occupied Palestinian Territories :: Ramallah | Gaza City | Khan Younis | Rafah | Jenin | Nablus | Hebron | Bethlehem | Jericho | East Jerusalem :: Gaza | Gaza Strip | West Bank
Panama | Republic of Panama :: Panama City | Colon :: Panama Canal
Papua New Guinea | PNG :: Port Moresby | Lae :: Bougainville
Paraguay | Republic of Paraguay :: Asuncion | Ciudad del Este
Peru | Republic of Peru :: Lima | Arequipa | Cusco | Cuzco | Trujillo | Callao
Philippines | The Philippines | Republic of the Philippines :: Manila | Metro Manila | Quezon City | Davao | Davao City | Cebu | Cebu City | Zamboanga | Makati | Marawi | Kidapawan City | Tandag City | Digos City :: Mindanao | Luzon | Visayas | Palawan | Bangsamoro | Bangsamoro Autonomous Region | Sulu | North Cotabato | South Cotabato
Poland | Republic of Poland | Polska :: Warsaw | Krakow | Lodz | Wroclaw | Poznan | Gdansk | Szczecin | Lublin | Katowice :: Silesia | Pomerania | Masuria
Portugal | Portuguese Republic :: Lisbon | Porto | Braga | Coimbra | Faro :: Madeira | Azores | Algarve
Qatar | State of Qatar :: Doha | Lusail
Republic of the Congo | Congo-Brazzaville | Congo Republic :: Brazzaville | Pointe-Noire
Romania :: Bucharest | Cluj-Napoca | Cluj | Timisoara | Iasi | Constanta :: Transylvania
Russia | Russian Federation | Rossiya :: Moscow | Saint Petersburg | St Petersburg | St. Petersburg | Novosibirsk | Yekaterinburg | Kazan | Nizhny Novgorod | Chelyabinsk | Samara | Omsk | Rostov-on-Don | Rostov | Ufa | Krasnoyarsk | Volgograd | Perm | Voronezh | Sochi | Vladivostok | Murmansk | Irkutsk | Grozny | Kremlin | Kursk | Belgorod | Bryansk | Smolensk | Kaluga | Tyumen | Magnitogorsk :: Siberia | Chechnya | Dagestan | Tatarstan | Ingushetia | Kaliningrad | Bashkortostan | Yakutia | Kamchatka | Kuril Islands | Kurils | Sakhalin | Kursk region | Belgorod region | Bryansk region | North Caucasus | Urals
Rwanda | Republic of Rwanda :: Kigali | Butare
Saint Kitts and Nevis | St Kitts and Nevis | St. Kitts and Nevis :: Basseterre
Saint Lucia | St Lucia | St. Lucia :: Castries
Saint Vincent and the Grenadines | St Vincent and the Grenadines | St. Vincent and the Grenadines :: Kingstown
Samoa | Independent State of Samoa :: Apia
San Marino | Republic of San Marino :: City of San Marino
Sao Tome and Principe | São Tomé and Príncipe :: Sao Tome
Saudi Arabia | Kingdom of Saudi Arabia | KSA | Saudi :: Riyadh | Jeddah | Mecca | Makkah | Medina | Dammam | Dhahran | Neom | Abqaiq :: Eastern Province
Senegal | Republic of Senegal :: Dakar | Touba | Saint-Louis
Serbia | Republic of Serbia :: Belgrade | Novi Sad | Nis :: Vojvodina
Seychelles | Republic of Seychelles
Sierra Leone :: Freetown
Singapore | Republic of Singapore
Slovakia | Slovak Republic :: Bratislava | Kosice
Slovenia | Republic of Slovenia :: Ljubljana | Maribor
Solomon Islands :: Honiara :: Guadalcanal
Somalia | Federal Republic of Somalia :: Mogadishu | Kismayo | Baidoa | Hargeisa | Berbera :: Somaliland | Puntland | Jubaland
South Africa | Republic of South Africa | RSA :: Pretoria | Cape Town | Johannesburg | Durban | Soweto | Port Elizabeth | Gqeberha | Bloemfontein | Cullinan :: Gauteng | KwaZulu-Natal | Western Cape | Eastern Cape | Limpopo | Mpumalanga | Free State
South Korea | Republic of Korea | ROK | Korea :: Seoul | Busan | Pusan | Incheon | Daegu | Daejeon | Gwangju | Ulsan | Suwon | Sejong | Pyeongchang :: Jeju | Jeju Island | Gyeonggi
South Sudan | Republic of South Sudan :: Juba | Malakal :: Upper Nile
Spain | Kingdom of Spain | España :: Madrid | Barcelona | Seville | Zaragoza | Malaga | Bilbao | Palma | Las Palmas | Alicante | Granada | Badalona | Pamplona | San Sebastian :: Catalonia | Basque Country | Andalusia | Galicia | Canary Islands | Canaries | Balearic Islands | Mallorca | Majorca | Ibiza | Tenerife | Gran Canaria | Ceuta | Melilla | Navarre | Asturias | Aragon | Castile and Leon | Extremadura | Murcia
Sri Lanka | Democratic Socialist Republic of Sri Lanka | Ceylon :: Colombo | Sri Jayawardenepura Kotte | Kandy | Jaffna | Galle | Trincomalee
Sudan | Republic of the Sudan :: Khartoum | Omdurman | Port Sudan | El Fasher | Nyala | Geneina | El Obeid :: Darfur | North Darfur | South Darfur | West Darfur | Kordofan | South Kordofan | Blue Nile
Suriname | Surinam :: Paramaribo
Sweden | Kingdom of Sweden :: Stockholm | Gothenburg | Malmo | Uppsala | Kiruna :: Gotland | Scania | Skane
Switzerland | Swiss Confederation | Suisse :: Bern | Berne | Zurich | Geneva | Basel | Lausanne | Lucerne | Lugano | Davos
Syria | Syrian Arab Republic :: Damascus | Aleppo | Homs | Hama | Latakia | Idlib | Raqqa | Deir ez-Zor | Daraa | Tartus | Kobani | Afrin | Manbij | Palmyra | Douma :: Northern Syria | Northeast Syria | Rojava | Ghouta | Eastern Ghouta | Golan Heights
Taiwan | Republic of China | ROC | Formosa | Chinese Taipei :: Taipei | Kaohsiung | Taichung | Tainan | Hsinchu | Taoyuan | Keelung | Hualien :: Kinmen | Matsu | Penghu
Tajikistan | Republic of Tajikistan :: Dushanbe | Khujand :: Gorno-Badakhshan
Tanzania | United Republic of Tanzania :: Dodoma | Dar es Salaam | Arusha | Mwanza | Stone Town :: Zanzibar | Kilimanjaro | Serengeti
Thailand | Kingdom of Thailand | Siam :: Bangkok | Chiang Mai | Phuket | Pattaya | Hat Yai | Nakhon Ratchasima :: Yala | Pattani | Narathiwat | Krabi | Koh Samui
Togo | Togolese Republic :: Lome
Tonga | Kingdom of Tonga :: Nuku'alofa | Nukuʻalofa
Trinidad and Tobago | Trinidad :: Port of Spain | San Fernando | Tobago
Tunisia | Republic of Tunisia :: Tunis | Sfax | Sousse | Kairouan :: Djerba
Turkey | Türkiye | Turkiye | Republic of Turkey :: Ankara | Istanbul | Izmir | Bursa | Antalya | Adana | Gaziantep | Konya | Diyarbakir | Kahramanmaras | Hatay | Antakya | Malatya | Mersin | Trabzon | Bodrum :: Anatolia
Turkmenistan :: Ashgabat | Turkmenbashi
Tuvalu :: Funafuti
Uganda | Republic of Uganda :: Kampala | Entebbe | Gulu | Jinja
Ukraine :: Kyiv | Kiev | Kharkiv | Kharkov | Odesa | Odessa | Dnipro | Lviv | Zaporizhzhia | Zaporizhia | Zaporozhye | Mariupol | Kherson | Mykolaiv | Bakhmut | Avdiivka | Sumy | Chernihiv | Poltava | Chernobyl | Bucha | Irpin | Sevastopol | Simferopol | Kramatorsk | Sloviansk | Melitopol | Pokrovsk :: Crimea | Donbas | Donbass | Donetsk | Luhansk | Lugansk | Donetsk region | Luhansk region | Kherson region | Zaporizhzhia region | Kharkiv region
United Arab Emirates | UAE | U.A.E. | Emirates :: Abu Dhabi | Dubai | Sharjah | Ajman | Fujairah | Ras Al Khaimah
United Kingdom | UK | U.K. | Britain | Great Britain | United Kingdom of Great Britain and Northern Ireland :: London | Birmingham | Manchester | Liverpool | Leeds | Glasgow | Edinburgh | Cardiff | Belfast | Bristol | Sheffield | Newcastle | Nottingham | Leicester | Southampton | Aberdeen | Oxford | Cambridge | Brighton | Westminster | Dover | Bradford | Coventry | Swansea | Derry | Londonderry | Salisbury | Watford | Lewisham | Heathrow | Gatwick | Downing Street | Whitehall | Holyrood | Gateshead | Sunderland | Middlesbrough | Wolverhampton | Portsmouth | Plymouth | Stoke-on-Trent | Norwich | Exeter | York | Hull | Inverness | Dundee | Winchester :: England | Scotland | Wales | Northern Ireland | Cornwall | Yorkshire | Kent | Essex | Surrey | Sussex | Devon | Lancashire | Merseyside | Greater Manchester | Oxfordshire | Cambridgeshire | Northamptonshire | Norfolk | Highlands | Shetland | Orkney
United States | US | U.S. | USA | U.S.A. | United States of America | America | United-States | the States :: Washington | Washington, D.C. | Washington D.C. | Washington DC | Washington, DC | D.C. | DC | New York City | NYC | Manhattan | Brooklyn | Queens | Bronx | Los Angeles | LA | L.A. | Chicago | Houston | Phoenix | Philadelphia | San Antonio | San Diego | Dallas | Austin | Jacksonville | Fort Worth | Columbus | Charlotte | Indianapolis | San Francisco | Seattle | Denver | Nashville | Oklahoma City | El Paso | Boston | Portland | Las Vegas | Detroit | Memphis | Louisville | Baltimore | Milwaukee | Albuquerque | Tucson | Fresno | Sacramento | Kansas City | Atlanta | Miami | Raleigh | Omaha | Minneapolis | Tulsa | Cleveland | Wichita | New Orleans | Tampa | Honolulu | Anchorage | Pittsburgh | Cincinnati | St. Louis | St Louis | Orlando | Salt Lake City | Buffalo | Richmond | Silicon Valley | Hollywood | Beverly Hills | Palo Alto | Berkeley | Oakland | Cape Canaveral | Fort Lauderdale | West Palm Beach | Palm Beach | Mar-a-Lago | Ferguson | Uvalde | Parkland | Charlottesville | Kenosha | Flint | Anaheim | Long Beach | Newark | Jersey City | Bakersfield | Gainesville | Tallahassee | Savannah | Charleston | Annapolis | Albany | Harrisburg | Trenton | Springfield | Des Moines | Madison | Boise | Santa Fe | Juneau | Montgomery | Baton Rouge | Little Rock | Jackson | Dayton | Akron | Toledo | Scranton | Birmingham, Alabama | Dearborn | Pentagon | Quantico | Langley | White House | Guantanamo Bay Naval Base :: Alabama | Alaska | Arizona | Arkansas | California | Colorado | Connecticut | Delaware | Florida | Hawaii | Idaho | Illinois | Indiana | Iowa | Kansas | Kentucky | Louisiana | Maine | Maryland | Massachusetts | Michigan | Minnesota | Mississippi | Missouri | Montana | Nebraska | Nevada | New Hampshire | New Jersey | New Mexico | New York | New York State | North Carolina | North Dakota | Ohio | Oklahoma | Oregon | Pennsylvania | Rhode Island | South Carolina | South Dakota | Tennessee | Texas | Utah | Vermont | Virginia | Washington State | West Virginia | Wisconsin | Wyoming | Ala. | Ariz. | Ark. | Calif. | Colo. | Conn. | Del. | Fla. | Ga. | Ill. | Ind. | Kan. | Ky. | La. | Mass. | Md. | Mich. | Minn. | Miss. | Mo. | Mont. | Neb. | Nev. | N.H. | N.J. | N.M. | N.Y. | N.C. | N.D. | Okla. | Ore. | Pa. | R.I. | S.C. | S.D. | Tenn. | Tex. | Va. | Vt. | Wash. | W.Va. | Wis. | Wyo. | Northern California | Southern California | New England | Midwest | Deep South | Appalachia | Long Island | Bay Area | San Francisco Bay Area | Florida Keys | Capitol Hill | Wall Street
Uruguay | Oriental Republic of Uruguay :: Montevideo | Punta del Este
Uzbekistan | Republic of Uzbekistan :: Tashkent | Samarkand | Bukhara | Andijan | Namangan :: Karakalpakstan | Fergana Valley
Vanuatu | Republic of Vanuatu :: Port Vila
Vatican City | Vatican | Holy See | the Holy See | Vatican City State :: St. Peter's Square | St Peter's Square | Sistine Chapel
Venezuela | Bolivarian Republic of Venezuela :: Caracas | Maracaibo | Barquisimeto | Maracay | Ciudad Guayana :: Zulia | Tachira
Vietnam | Viet Nam | Socialist Republic of Vietnam :: Hanoi | Ho Chi Minh City | Saigon | Da Nang | Haiphong | Hai Phong | Hue | Can Tho | Nha Trang :: Mekong Delta
Yemen | Republic of Yemen :: Sanaa | Sana'a | Aden | Taiz | Hodeidah | Marib | Mokha | Mukalla :: Hadramout | Hadhramaut | Saada
Zambia | Republic of Zambia :: Lusaka | Ndola | Kitwe | Livingstone | Copperbelt
Zimbabwe | Republic of Zimbabwe | Rhodesia | Southern Rhodesia :: Harare | Bulawayo | Mutare
"""

# Territories followed as places of their own. Each also adds to its sovereign country at
# `TERRITORY_PARENT_WEIGHT` of its score: a Hong Kong story is first of all a Hong Kong story,
# but a reader following China should see the biggest ones too.
# Line format: ``names :: sovereign country :: cities and regions``.
TERRITORIES: Final = """
Hong Kong | HK | Hong Kong SAR | HKSAR | Hong Kong Special Administrative Region :: China :: Kowloon | New Territories | Lantau | Tsim Sha Tsui | Mong Kok | Causeway Bay | Wan Chai | Sha Tin | Tuen Mun | Yuen Long | Victoria Harbour
Macau | Macao | Macau SAR | Macao SAR :: China :: Taipa | Cotai
Greenland | Kalaallit Nunaat :: Denmark :: Nuuk
Faroe Islands | Faroes :: Denmark :: Torshavn
Puerto Rico | Commonwealth of Puerto Rico :: United States :: San Juan | Ponce | Mayaguez
Guam :: United States :: Hagatna
American Samoa :: United States :: Pago Pago
U.S. Virgin Islands | US Virgin Islands :: United States :: St. Thomas | Charlotte Amalie
Northern Mariana Islands :: United States :: Saipan
Gibraltar :: United Kingdom
Bermuda :: United Kingdom
Falkland Islands | Falklands | Malvinas | Islas Malvinas :: United Kingdom
Cayman Islands :: United Kingdom
British Virgin Islands :: United Kingdom :: Tortola
Isle of Man :: United Kingdom
Channel Islands | Jersey | Guernsey :: United Kingdom :: St Helier | St. Peter Port
New Caledonia | Kanaky :: France :: Noumea
French Polynesia :: France :: Tahiti | Papeete
Martinique :: France :: Fort-de-France
Guadeloupe :: France :: Pointe-a-Pitre
French Guiana :: France :: Cayenne | Kourou
Reunion | La Reunion :: France
Mayotte :: France :: Mamoudzou
Aruba :: Netherlands :: Oranjestad
Curacao :: Netherlands :: Willemstad
Western Sahara :: Morocco :: Laayoune
"""
TERRITORY_PARENT_WEIGHT: Final = 0.5

# Regions bigger than a country: topics of their own when named directly, never inferred from
# the countries in them. Line format: ``names``.
SUPRANATIONAL: Final = """
Africa | African continent
North Africa | Northern Africa | Maghreb
West Africa | Western Africa
East Africa | Eastern Africa | Horn of Africa
Southern Africa
Sub-Saharan Africa
Sahel | Sahel region
Middle East | Mideast | the Middle East | West Asia | Near East | Levant
Gulf | Persian Gulf | Arabian Gulf | Gulf region | Gulf states
Asia | Asian continent
East Asia | Far East | Northeast Asia
Southeast Asia | South-East Asia | South East Asia
South Asia | Indian subcontinent | subcontinent
Central Asia
Asia-Pacific | Asia Pacific | Indo-Pacific | Pacific Rim
Europe | European continent | Continental Europe
Western Europe
Eastern Europe | Central and Eastern Europe | Central Europe
Northern Europe | Scandinavia | Nordic countries | Nordics
Southern Europe
Balkans | Western Balkans | Balkan Peninsula
Baltic | Baltics | Baltic states | Baltic Sea
Caucasus | South Caucasus | Transcaucasia
Mediterranean | Mediterranean Sea | Eastern Mediterranean
North America
Central America
South America
Latin America | Latin America and the Caribbean
Caribbean | Caribbean Sea | West Indies
Oceania | Pacific Islands | South Pacific
Arctic | Arctic Ocean | Arctic Circle
Antarctica | Antarctic
"""

# Names with two common senses. The first sense is the default (the most common one in
# English-language news); another sense wins when the article names its country (or a country
# listed after "<" as typical company for it) more prominently. Line format:
# ``name :: sense < context countries | sense < context countries``.
AMBIGUOUS: Final = """
Georgia :: United States < United States | Georgia < Russia, Armenia, Azerbaijan, Ukraine, Turkey, Abkhazia, South Ossetia
Birmingham :: United Kingdom | United States < United States
Cambridge :: United Kingdom | United States < United States
Manchester :: United Kingdom | United States < United States
Perth :: Australia | United Kingdom < United Kingdom
Victoria :: Australia | Canada | Seychelles
Santiago :: Chile | Dominican Republic | Spain | Cuba
Valencia :: Spain | Venezuela
Cordoba :: Argentina | Spain
Leon :: Mexico | Nicaragua | Spain
Hyderabad :: India | Pakistan
Punjab :: India | Pakistan
Bengal :: India | Bangladesh
Alexandria :: Egypt | United States < United States
Athens :: Greece | United States < United States
Lima :: Peru | United States < United States
Congo :: Democratic Republic of the Congo | Republic of the Congo
Macedonia :: North Macedonia | Greece
San Jose :: United States | Costa Rica < Costa Rica
Kashmir :: India | Pakistan
Nagorno-Karabakh :: Azerbaijan | Armenia
"""

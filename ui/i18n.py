"""The translation table of the app's own texts (Swedish default, English)."""

from __future__ import annotations

from typing import Final

from gis.i18n import Text
from gis.webmap import OSM_ATTRIBUTION
from walks.core.model import PARTICIPANT_TITLES
from walks.core.words import WORDS

TEXTS: Final[dict[str, Text]] = {
    **WORDS,
    "app_title": Text(sv="safewalk – trygghetsvandringar", en="safewalk – safety walks"),
    "login_title": Text(sv="Logga in", en="Log in"),
    "login_name": Text(sv="Användarnamn", en="User name"),
    "login_password": Text(sv="Lösenord", en="Password"),
    "login_button": Text(sv="Logga in", en="Log in"),
    "login_sso": Text(sv="Logga in med stadens konto", en="Log in with the city's account"),
    "login_no_account": Text(
        sv="Det finns inget konto för {email} i safewalk; be samordnaren lägga till det.",
        en="There is no safewalk account for {email}; ask the coordinator to add it.",
    ),
    "login_expired": Text(
        sv="Inloggningen har gått ut; logga in igen.",
        en="The login has expired; log in again.",
    ),
    "logged_in_as": Text(sv="Inloggad som {name} ({role})", en="Logged in as {name} ({role})"),
    "logout": Text(sv="Logga ut", en="Log out"),
    "language": Text(sv="Språk", en="Language"),
    "workspace": Text(sv="Arbetsyta", en="Workspace"),
    "page_map": WORDS["map"],
    "page_help": Text(sv="Hjälp", en="Help"),
    "map_title": Text(sv="Områden och iakttagelser", en="Areas and observations"),
    "map_intro": Text(
        sv="Områdena i arbetsytan med registrerade iakttagelser. Klicka på en markering för att "
        "se iakttagelsen med foton; lager, värmekarta och referenslager väljs uppe till höger "
        "på kartan.",
        en="The areas of the workspace with their registered observations. Click a marker to "
        "see the observation with its photos; layers, heat map and reference layers are chosen "
        "at the top right of the map.",
    ),
    "map_filters": Text(sv="Urval", en="Filters"),
    "map_light": Text(sv="Ljusförhållanden", en="Light conditions"),
    "map_kind": Text(sv="Visa", en="Show"),
    "map_kind_all": Text(sv="Alla", en="All"),
    "map_kind_problems": Text(sv="Problem", en="Problems"),
    "map_kind_positive": Text(sv="Trygga platser", en="Safe places"),
    "map_shown": Text(
        sv="{shown} av {total} iakttagelser i valda områden visas.",
        en="{shown} of {total} observations in the chosen areas are shown.",
    ),
    "map_dates": Text(sv="Datum (från – till; tomt: alla)", en="Dates (from – to; empty: all)"),
    "map_walks_all": Text(
        sv="Alla iakttagelser (välj vandringar för att begränsa)",
        en="All observations (choose walks to narrow down)",
    ),
    "map_heat": Text(sv="Värmekarta", en="Heat map"),
    "map_reference": Text(sv="Referens", en="Reference"),
    "map_routes": Text(sv="Vandringsrutter", en="Walk routes"),
    "map_hotspots": Text(sv="Hotspots (täta samlingar)", en="Hotspots (dense clusters)"),
    "map_dark": Text(sv="Mörka sträckor", en="Dark stretches"),
    "map_no_value": Text(sv="inget värde", en="no value"),
    "map_fill": Text(sv="Färglägg områdena efter", en="Fill the areas by"),
    "map_fill_none": Text(sv="Ingenting", en="Nothing"),
    "map_fill_density": Text(
        sv="Iakttagelser per km² (med urvalet)", en="Observations per km² (as filtered)"
    ),
    "map_analysis": Text(sv="Visa analys på kartan", en="Show an analysis on the map"),
    "map_analysis_none": Text(sv="Ingen", en="None"),
    "map_analysis_hotspots": Text(
        sv="Hotspots och mörka sträckor längs rutterna",
        en="Hotspots and dark stretches along the routes",
    ),
    "map_analysis_near": Text(
        sv="Nära brottsutsatta platser, tunnelbana, hållplatser och skolor",
        en="Near crime-exposed places, metro, stops and schools",
    ),
    "map_analysis_change": Text(
        sv="Förändring mellan två vandringar", en="Change between two walks"
    ),
    "map_analysis_priority": Text(
        sv="Prioritet (poäng per iakttagelse)", en="Priority (a score per observation)"
    ),
    "map_change_before": Text(sv="Före (vandring)", en="Before (walk)"),
    "map_change_after": Text(sv="Efter (vandring)", en="After (walk)"),
    "map_change_needs_walks": Text(
        sv="Förändring behöver två vandringar i de valda områdena.",
        en="A change needs two walks in the chosen areas.",
    ),
    "map_dark_total": Text(
        sv="Mörka sträckor: {dark:.0f} m av {total:.0f} m planerade rutter.",
        en="Dark stretches: {dark:.0f} m of {total:.0f} m of planned routes.",
    ),
    "details_title": Text(sv="Iakttagelse {number}, {area}", en="Observation {number}, {area}"),
    "details_light": Text(sv="Ljus", en="Light"),
    "details_walk": Text(sv="Vandring", en="Walk"),
    "details_time": Text(sv="Tid", en="Time"),
    "details_none": Text(sv="–", en="–"),
    "details_photo_full": Text(sv="Visa foto {k} i full storlek", en="Show photo {k} full size"),
    "details_gone": Text(
        sv="Iakttagelsen finns inte längre (borttagen eller utanför urvalet).",
        en="The observation is no longer there (removed, or outside the filters).",
    ),
    "draw_hint": Text(
        sv="Kategorin kan också vara en linje eller en yta: rita den med verktygen på kartan "
        "(tryck på punkterna i tur och ordning, avsluta med Finish/sista punkten).",
        en="This category can also be a line or an area: draw it with the tools on the map "
        "(tap the points in turn, end with Finish or the last point).",
    ),
    "drawn": Text(
        sv="Ritad {kind} sparas som iakttagelsens läge.",
        en="The drawn {kind} is saved as the observation's place.",
    ),
    "drawn_LineString": Text(sv="linje", en="line"),
    "drawn_Polygon": Text(sv="yta", en="area"),
    "route_draw": Text(sv="Rita rutten på kartan", en="Draw the route on the map"),
    "route_drawn": Text(
        sv="Den ritade rutten sparas med vandringen (före en uppladdad GPX-fil).",
        en="The drawn route is saved with the walk (before an uploaded GPX file).",
    ),
    "plan_intro": Text(
        sv="Analysgruppens åtgärder: gör en åtgärd av en eller flera iakttagelser, följ upp "
        "dess status och se vem som ändrat vad.",
        en="The analysis group's measures: make a measure from one or more observations, "
        "follow its status up and see who changed what.",
    ),
    "plan_new": Text(sv="Ny åtgärd", en="New measure"),
    "plan_no_free": Text(
        sv="Alla iakttagelser i området har redan en åtgärd (eller är avslutade).",
        en="Every observation of the area already has a measure (or is closed).",
    ),
    "plan_save": Text(sv="Spara åtgärden", en="Save the measure"),
    "plan_saved": Text(
        sv="Åtgärd nr {number} sparad som föreslagen.", en="Measure no. {number} saved as proposed."
    ),
    "plan_ours": Text(sv="Visa åtgärder för", en="Show the measures of"),
    "plan_all": Text(sv="Alla organisationer", en="Every organisation"),
    "plan_only_overdue": Text(sv="Bara försenade", en="Only overdue"),
    "plan_none": Text(sv="Inga åtgärder.", en="No measures."),
    "plan_change": Text(sv="Ändra status", en="Change the status"),
    "plan_to": Text(sv="Ny status", en="New status"),
    "plan_reason": Text(
        sv="Skäl (krävs för att gå tillbaka eller för ej genomförbar)",
        en="Reason (needed to go back, or for not feasible)",
    ),
    "plan_note": Text(sv="Uppföljningsanteckning", en="Follow-up note"),
    "plan_apply": Text(sv="Ändra", en="Change"),
    "plan_moved": Text(
        sv="Åtgärd nr {number} är nu {status}.", en="Measure no. {number} is now {status}."
    ),
    "plan_history": Text(sv="Historik", en="History"),
    "plan_note_photos": Text(sv="Foton till anteckningen", en="Photos for the note"),
    "report_title": Text(sv="Tertialuppföljning", en="Tertial follow-up"),
    "report_intro": Text(
        sv="Registrerade, beslutade, pågående, genomförda och försenade per område, kategori och "
        "organisation, med utvecklingen över två år: som Excel, Word (redigerbar "
        "handlingsplan) eller PDF.",
        en="Registered, decided, in progress, done and overdue by area, category and "
        "organisation, with the trend over two years: as Excel, Word (an editable action "
        "plan) or PDF.",
    ),
    "report_scope": Text(sv="Omfattning", en="Scope"),
    "report_area": Text(sv="Det här området", en="This area"),
    "report_all": WORDS["every_area"],
    "report_download": Text(sv="Ladda ned {kind}", en="Download {kind}"),
    "report_make": Text(sv="Ta fram rapporten", en="Make the report"),
    "report_making": Text(sv="Tar fram rapporten …", en="Making the report …"),
    "route_title": Text(sv="Vem ansvarar?", en="Who is responsible?"),
    "details_make_measure": Text(sv="Gör en åtgärd av den", en="Make a measure of it"),
    "route_intro": Text(
        sv="Förslag per iakttagelse enligt reglerna (data/routing.toml) och ägarlagret. "
        "Ett val här gäller tills det tas bort, även om reglerna ändras.",
        en="A suggestion per observation from the rules (data/routing.toml) and the owners "
        "layer. A choice made here stays until it is removed, even when the rules change.",
    ),
    "route_chosen": Text(sv="vald av en användare", en="chosen by a user"),
    "route_observation": Text(sv="Iakttagelse", en="Observation"),
    "route_automatic": Text(sv="Enligt reglerna", en="As the rules say"),
    "route_save": Text(sv="Spara ansvarig", en="Save who is responsible"),
    "route_saved": Text(
        sv="Iakttagelse nr {number}: ansvarig {who}.",
        en="Observation no. {number}: responsible {who}.",
    ),
    "possible_duplicates": Text(
        sv="Kanske samma som öppna iakttagelser av samma kategori strax intill: {listed}. "
        "Ångra registreringen nedan om det är samma sak.",
        en="Perhaps the same as open observations of the same category close by: {listed}. "
        "Undo the registration below if it is the same thing.",
    ),
    "page_public": Text(sv="För boende", en="For residents"),
    "public_title": Text(sv="Vad har gjorts i ditt område?", en="What was done in your area?"),
    "public_intro": Text(
        sv="Åtgärder som analysgruppen har beslutat eller genomfört efter trygghetsvandringar "
        "och boendes iakttagelser.",
        en="Measures the analysis group has decided or carried out after safety walks and "
        "residents' observations.",
    ),
    "public_none": Text(
        sv="Inga beslutade åtgärder att visa i området ännu.",
        en="No decided measures to show in this area yet.",
    ),
    "public_feedback": Text(sv="Har det blivit bättre? Svara", en="Has it got better? Answer"),
    "public_verdict": Text(sv="Hur är platsen nu?", en="How is the place now?"),
    "public_comment": Text(
        sv="Kommentar (frivillig; skriv inga namn)", en="Comment (optional; write no names)"
    ),
    "public_send": Text(sv="Skicka", en="Send"),
    "public_thanks": Text(
        sv="Tack! Analysgruppen ser ditt svar vid nästa uppföljning.",
        en="Thank you! The analysis group sees your answer at the next follow-up.",
    ),
    "plan_public": Text(
        sv="Visa för boende när den är beslutad (rubrik och status)",
        en="Show to residents once decided (title and status)",
    ),
    "counts_title": Text(sv="Antal per område", en="Counts per area"),
    "demo_note": Text(
        sv="Poster märkta DEMO och området Smedshagen (demo) är påhittade exempel, inte verkliga "
        "iakttagelser.",
        en="Records marked DEMO and the area Smedshagen (demo) are made-up examples, not real "
        "observations.",
    ),
    # Trusted HTML (a link), shown in the interactive maps' attribution control.
    "web_map_credit": Text(
        sv=f"Gränser och vatten: Stockholms stad (CC0) · Demodata delvis {OSM_ATTRIBUTION}",
        en=f"Boundaries and water: City of Stockholm (CC0) · Demo data partly {OSM_ATTRIBUTION}",
    ),
    "help_title": Text(sv="Hjälp", en="Help"),
    "help_body": Text(
        sv=(
            "**safewalk** samlar iakttagelser från trygghetsvandringar och "
            "trygghetsinventeringar. Varje område har en egen GeoPackage-fil i arbetsytan med "
            "ett lager per kategori, som kan öppnas direkt i QGIS.\n\n"
            "Sidan Karta visar områdena och iakttagelserna med urval, värmekarta, "
            "referenslager och analyser; klicka på en markering för detaljer och foton. På "
            "sidan Vandringar planeras trygghetsvandringar med solnedgång och skymning för "
            "dagen, och rutten kan ritas på kartan. På sidan Registrera registreras "
            "iakttagelser i fält: tryck på kartan, rita en linje eller yta, eller bifoga ett "
            "foto med GPS-position. På sidan Handlingsplan syns vem som ansvarar för varje "
            "iakttagelse och varför, åtgärder görs av iakttagelser och följs upp, och "
            "tertialrapporten laddas ned som Excel, Word eller PDF. Sidan Utskrift ger kartor "
            "som PDF (A4, A3, atlas), sidan Data importerar och exporterar iakttagelser och "
            "läser in referenslager, och sidan För boende visar beslutade åtgärder."
            "\n\n"
            "När arbetsytan har användarkonton (`safewalk user add`) frågar appen efter "
            "inloggning. Rollen avgör vad kontot ser och får ändra: läsare ser kartan utan de "
            "interna kategorierna (brottsutsatta och socialt otrygga platser), registrerare "
            "registrerar iakttagelser, samverkansparter följer upp sina egna åtgärder, "
            "samordnare ändrar allt i stadsdelen och administratörer sköter konton och "
            "katalog. Varje ändring sparas med kontots namn. Med många användare kan "
            "arbetsytan ligga i en PostgreSQL/PostGIS-databas (`SAFEWALK_DATABASE_URL`; flytta "
            "dit med `safewalk migrate`). Svarar databasen inte sägs det, inget sparas, och "
            "formuläret behåller det du skrivit så att du kan spara igen."
            "\n\n"
            "Kommandoraden `safewalk` kan redan lista områden (`safewalk areas`), registrera "
            "iakttagelser (`safewalk add`), lista dem (`safewalk list`), lägga till områden "
            "(`safewalk area add`), planera och lista vandringar (`safewalk walk add`, "
            "`safewalk walk list`), läsa in referenslager som belysningsstolpar och hållplatser "
            "(`safewalk reference add`), analysera (`safewalk analyse summary`, `hotspots`, "
            "`dark` för mörka sträckor längs rutter, `near`, `change` mellan två vandringar), "
            "ladda om demodata (`safewalk demo`) och kontrollera arbetsytan (`safewalk check`); "
            "dessutom `safewalk measure`, `route`, `report`, `print`, `protocol`, `import`, "
            "`export`, `user` och `migrate` (se README)."
        ),
        en=(
            "**safewalk** collects observations from safety walks and safety inventories. "
            "Each area has its own GeoPackage file in the workspace with one layer per "
            "category, which opens directly in QGIS.\n\n"
            "The Map page shows the areas and observations with filters, a heat map, "
            "reference layers and analyses; click a marker for its details and photos. The "
            "Walks page plans safety walks with the day's sunset and dusk, and the route can be "
            "drawn on the map. The Register page records observations in the field: tap the "
            "map, draw a line or an area, or attach a photo with a GPS position. The Action plan "
            "page shows who is responsible for each observation and why, makes measures of "
            "observations and follows them up, and downloads the tertial report as Excel, "
            "Word or PDF. The Print page makes maps as PDF (A4, A3, the atlas), the Data page "
            "imports and exports observations and loads reference layers, and the For "
            "residents page shows decided measures.\n\n"
            "When the workspace has user accounts (`safewalk user add`) the app asks for a "
            "login. The role decides what an account sees and may change: viewers see the map "
            "without the internal categories (crime-exposed and socially unsafe places), "
            "registrants register observations, partners follow up their own measures, "
            "coordinators change anything in the district and admins manage accounts and the "
            "catalog. Every change is kept with the account's name. With many users the "
            "workspace can live in a PostgreSQL/PostGIS database (`SAFEWALK_DATABASE_URL`; move "
            "it there with `safewalk migrate`). When the database does not answer you are told "
            "so, nothing is saved, and the form keeps what you typed so that you can save "
            "again.\n\n"
            "The `safewalk` command line can already list areas (`safewalk areas`), register "
            "observations (`safewalk add`), list them (`safewalk list`), add areas "
            "(`safewalk area add`), plan and list walks (`safewalk walk add`, "
            "`safewalk walk list`), load reference layers such as street lamps and stops "
            "(`safewalk reference add`), analyse (`safewalk analyse summary`, `hotspots`, "
            "`dark` for dark stretches along routes, `near`, `change` between two walks), "
            "reload the demo data (`safewalk demo`) and check the workspace (`safewalk check`); "
            "and `safewalk measure`, `route`, `report`, `print`, `protocol`, `import`, "
            "`export`, `user` and `migrate` (see the README)."
        ),
    ),
    "error": Text(sv="Fel", en="Error"),
    "page_register": Text(sv="Registrera", en="Register"),
    "page_walks": WORDS["walks"],
    "page_plan": Text(sv="Handlingsplan", en="Action plan"),
    "page_print": Text(sv="Utskrift", en="Print"),
    "print_intro": Text(
        sv="Kartor som PDF för analysgruppens möten: numrerade iakttagelser, teckenförklaring, "
        "skala, skalstock och norrpil, och en tabell över numren. Fungerar utan nätverk.",
        en="Maps as PDF for the analysis group's meetings: numbered observations, legend, "
        "scale, scale bar and north arrow, and a table of the numbers. Works without a "
        "network.",
    ),
    "print_atlas": Text(sv="Alla områden (atlas)", en="Every area (atlas)"),
    "print_paper": Text(sv="Papper", en="Paper"),
    "print_orientation": Text(sv="Riktning", en="Orientation"),
    "print_landscape": Text(sv="Liggande", en="Landscape"),
    "print_portrait": Text(sv="Stående", en="Portrait"),
    "print_all_layers": Text(sv="Alla kategorier", en="Every category"),
    "print_title": Text(sv="Rubrik (valfri)", en="Title (optional)"),
    "print_status_open": Text(sv="Öppna", en="Open"),
    "print_status_all": Text(sv="Alla", en="All"),
    "print_make": Text(sv="Ta fram PDF", en="Make the PDF"),
    "print_making": Text(sv="Ritar kartan …", en="Drawing the map …"),
    "print_download": Text(
        sv="Ladda ned PDF ({pages} sidor)", en="Download the PDF ({pages} pages)"
    ),
    "print_preview": Text(sv="Förhandsvisning av första sidan", en="Preview of the first page"),
    "page_data": Text(sv="Data", en="Data"),
    "data_reference": Text(sv="Referenslager", en="Reference layers"),
    "data_reference_intro": Text(
        sv="Ägare och förvaltare (ytor, för vem som ansvarar), belysningsstolpar, hållplatser, "
        "tunnelbaneuppgångar, skolor: en fil per lager (GeoJSON, GeoPackage, zippad "
        "Shapefile, KML). Samma fil två gånger lägger inte till något.",
        en="Owners and managers (areas, for who is responsible), street lamps, stops, metro "
        "entrances, schools: one file per layer (GeoJSON, GeoPackage, zipped Shapefile, KML). "
        "The same file twice adds nothing.",
    ),
    "data_kind": Text(sv="Sort", en="Kind"),
    "data_owner": Text(sv="Ägare (för ägarlager)", en="Owner (for an owners layer)"),
    "data_owner_column": Text(
        sv="Enligt filens kolumn (organisation, ägare, förvaltare …)",
        en="From the file's column (organisation, owner, manager …)",
    ),
    "data_file": Text(sv="Fil", en="File"),
    "data_load": Text(sv="Läs in", en="Load"),
    "data_no_file": Text(sv="Välj en fil att läsa in.", en="Choose a file to load."),
    "data_loaded": Text(
        sv="{area}: {added} tillagda, {already} fanns redan, {outside} utanför området, "
        "{refused} gick inte att använda.",
        en="{area}: {added} added, {already} were there already, {outside} outside the area, "
        "{refused} could not be used.",
    ),
    "data_row": Text(sv="Objekt i filen", en="Feature in the file"),
    "data_import": Text(sv="Importera iakttagelser", en="Import observations"),
    "data_import_intro": Text(
        sv="Från QGIS, fältappar (KoboToolbox, ODK, QField, Epicollect5), Google My Maps, "
        "GPS-appar eller Excel: GeoJSON, GeoPackage, zippad Shapefile, KML/KMZ, GPX eller CSV. "
        "Först visas vad som skulle importeras; inget sparas förrän du bekräftar.",
        en="From QGIS, field apps (KoboToolbox, ODK, QField, Epicollect5), Google My Maps, GPS "
        "apps or Excel: GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ, GPX or CSV. First you "
        "see what would be imported; nothing is stored until you confirm.",
    ),
    "data_from_file": Text(
        sv="Enligt filens kolumn category", en="From the file's column category"
    ),
    "data_where_it_lies": Text(sv="Där varje objekt ligger", en="Where each feature lies"),
    "data_import_confirm": Text(sv="Importera", en="Import"),
    "data_preview": Text(
        sv="Förhandsvisning, inget sparat: {accepted} skulle importeras ({areas}); {repaired} "
        "lagade, {rejected} avvisade, {already} finns redan.",
        en="Preview, nothing stored: {accepted} would be imported ({areas}); {repaired} "
        "repaired, {rejected} rejected, {already} are there already.",
    ),
    "data_imported": Text(
        sv="{accepted} iakttagelser importerade ({areas}); {repaired} lagade, {rejected} "
        "avvisade, {already} fanns redan.",
        en="{accepted} observations imported ({areas}); {repaired} repaired, {rejected} "
        "rejected, {already} were there already.",
    ),
    "data_outcome": Text(sv="Utfall", en="Outcome"),
    "data_mapping": Text(
        sv="Mappningsfil (valfri, TOML: vilka kolumner och värden som är vilka fält)",
        en="Mapping file (optional, TOML: which columns and values are which fields)",
    ),
    "data_mapping_used": Text(
        sv="Kolumnerna i filen och fälten de fyller. Stämmer det inte: ladda upp en "
        "mappningsfil (se README).",
        en="The file's columns and the fields they fill. If that is not right, upload a "
        "mapping file (see README).",
    ),
    "data_column": Text(sv="Kolumn i filen", en="Column in the file"),
    "data_layer": Text(sv="Lager i filen", en="Layer of the file"),
    "data_field": Text(sv="Fält", en="Field"),
    "data_checking": Text(sv="Kontrollerar …", en="Checking …"),
    "data_checked": Text(sv="{done} av {total} kontrollerade", en="{done} of {total} checked"),
    "data_rejected": Text(sv="avvisad", en="rejected"),
    "data_repaired": Text(sv="lagad", en="repaired"),
    "data_export": Text(sv="Export", en="Export"),
    "data_export_intro": Text(
        sv="Iakttagelserna som fil: GeoPackage (hela området med stilar och foton, öppnas i "
        "QGIS), GeoJSON, CSV för svenskt Excel, Excel, KML för Google Earth eller zippad "
        "Shapefile.",
        en="The observations as a file: GeoPackage (the whole area with styles and photos, "
        "opens in QGIS), GeoJSON, CSV for Swedish Excel, Excel, KML for Google Earth or "
        "zipped Shapefile.",
    ),
    "data_format": Text(sv="Format", en="Format"),
    "data_make": Text(sv="Ta fram filen", en="Make the file"),
    "data_download": Text(
        sv="Ladda ned {name} ({count} iakttagelser)", en="Download {name} ({count} observations)"
    ),
    "choose": Text(sv="Välj…", en="Choose…"),
    "register_title": Text(sv="Registrera en iakttagelse", en="Register an observation"),
    "walk": Text(sv="Trygghetsvandring", en="Safety walk"),
    "no_walk": Text(sv="Ingen (enskild iakttagelse)", en="None (single observation)"),
    "tap_map": Text(
        sv="Tryck på kartan där iakttagelsen gäller, eller ange longitud och latitud nedan. "
        "Utan position används fotots GPS-position.",
        en="Tap the map where the observation is, or give longitude and latitude below. "
        "Without a position the photo's GPS position is used.",
    ),
    "tapped": Text(sv="Vald position: {lon}, {lat}", en="Chosen position: {lon}, {lat}"),
    "tapped_area": Text(sv="Positionen ligger i {area}.", en="The position lies in {area}."),
    "gps_button": Text(sv="📍 Använd min position (GPS)", en="📍 Use my position (GPS)"),
    "gps_waiting": Text(sv="Hämtar position…", en="Getting position…"),
    "gps_position": Text(
        sv="GPS-position: {lon}, {lat} (±{accuracy} m).",
        en="GPS position: {lon}, {lat} (±{accuracy} m).",
    ),
    "gps_inaccurate": Text(
        sv="GPS-positionen är osäker (±{accuracy} m, gränsen är {limit} m). "
        "Tryck hellre på kartan.",
        en="The GPS position is uncertain (±{accuracy} m, the limit is {limit} m). "
        "Better tap the map.",
    ),
    "gps_denied": Text(
        sv="Telefonen gav inte ut positionen (behörighet nekad). Tryck på kartan i stället, eller "
        "tillåt plats för webbplatsen i webbläsarens inställningar.",
        en="The phone did not share its position (permission denied). Tap the map instead, or "
        "allow location for this site in the browser's settings.",
    ),
    "gps_unavailable": Text(
        sv="Ingen GPS-position gick att få. Tryck på kartan i stället.",
        en="No GPS position could be had. Tap the map instead.",
    ),
    "longitude": Text(sv="Longitud", en="Longitude"),
    "latitude": Text(sv="Latitud", en="Latitude"),
    "save": Text(sv="Spara", en="Save"),
    "saved": Text(
        sv="Sparad som nr {number} i {area} ({light}).",
        en="Saved as no. {number} in {area} ({light}).",
    ),
    "undo": Text(sv="Ångra nr {number}", en="Undo no. {number}"),
    "undone": Text(sv="Nr {number} är borttagen.", en="No. {number} has been removed."),
    "no_position": Text(
        sv="Ingen position: tryck på kartan, ange longitud och latitud, eller bifoga ett foto med "
        "GPS-position.",
        en="No position: tap the map, give longitude and latitude, or attach a photo with a GPS "
        "position.",
    ),
    "walks_title": Text(sv="Planera en trygghetsvandring", en="Plan a safety walk"),
    "date": Text(sv="Datum", en="Date"),
    "start_time": Text(sv="Starttid", en="Start time"),
    "organisations": Text(sv="Deltagande organisationer", en="Participating organisations"),
    "other_organisations": Text(
        sv="Andra organisationer (kommaseparerade)", en="Other organisations (comma-separated)"
    ),
    "headcounts": Text(
        sv="Antal deltagare per grupp (inga namn)", en="Head-counts by group (no names)"
    ),
    **{f"group_{group}": title for group, title in PARTICIPANT_TITLES.items()},
    "notes": Text(sv="Anteckningar", en="Notes"),
    "save_walk": Text(sv="Spara vandringen", en="Save the walk"),
    "walk_saved": Text(
        sv="Vandring nr {number} sparad i {area}.", en="Walk no. {number} saved in {area}."
    ),
    "sun_times": Text(
        sv="Solnedgång {sunset}, borgerlig skymning {dusk}. Föreslagen start i mörker: {start}.",
        en="Sunset {sunset}, civil dusk {dusk}. Suggested start in darkness: {start}.",
    ),
    "no_darkness": Text(
        sv="Det blir inte mörkt den här dagen (ljusa nätter).",
        en="It does not get dark on this day (light summer nights).",
    ),
    "walks_in_area": Text(sv="Vandringar i området", en="Walks in the area"),
    "route_gpx": Text(sv="Planerad rutt (GPX-fil)", en="Planned route (GPX file)"),
    "route_later": Text(
        sv="Att rita rutten direkt på kartan kommer i nästa version.",
        en="Drawing the route directly on the map comes in the next version.",
    ),
    "walk_detail": Text(sv="En vandrings iakttagelser", en="A walk's observations"),
    "no_walk_observations": Text(
        sv="Inga iakttagelser är kopplade till vandringen ännu.",
        en="No observations are linked to this walk yet.",
    ),
}


def t(key: str, language: str) -> str:
    """Return the app text ``key`` in ``language``."""
    return TEXTS[key].in_language(language)

package dev.quire.samples;

import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Makes up the names, places and numbers of a corpus. Anything a question may use to single a
 * document out (company, person, identifier) is unique across the whole corpus.
 */
final class Fabricator {
  record Place(String city, String state, String zipPrefix) {}

  record Address(String street, String city, String state, String zip) {
    String cityLine() {
      return city + ", " + state + " " + zip;
    }

    List<String> lines() {
      return List.of(street, cityLine());
    }

    String multiline() {
      return street + "\n" + cityLine();
    }
  }

  record Company(String name, String base, Address address, String phone, String email) {}

  /** A person; {@code initial} is empty, or a middle initial such as "J." once names run short. */
  record Person(String first, String initial, String last, Address address) {
    String fullName() {
      return initial.isEmpty() ? first + " " + last : first + " " + initial + " " + last;
    }
  }

  private static final List<String> COMPANY_FIRST =
      List.of(
          "Northwind",
          "Contoso",
          "Fabrikam",
          "Blue Harbor",
          "Summit Ridge",
          "Ironwood",
          "Silver Pine",
          "Redwood",
          "Lakeside",
          "Granite Peak",
          "Cedar Valley",
          "Brightline",
          "Oakmont",
          "Crescent",
          "Pinnacle",
          "Meridian",
          "Harborview",
          "Stonebridge",
          "Maple Leaf",
          "Riverbend",
          "Evergreen",
          "Copperfield",
          "Westbrook",
          "Falcon",
          "Aurora",
          "Beacon",
          "Horizon",
          "Keystone",
          "Lighthouse",
          "Sterling",
          "Trident",
          "Vantage",
          "Willow Creek",
          "Zenith",
          "Atlas",
          "Bluebird",
          "Cobalt",
          "Driftwood",
          "Foxglove",
          "Golden Gate",
          "Highland",
          "Juniper",
          "Kestrel",
          "Larkspur",
          "Marigold",
          "Nimbus",
          "Orchard",
          "Prairie",
          "Quarry",
          "Rosewood",
          "Saffron",
          "Tamarack",
          "Umber",
          "Vista",
          "Wildflower",
          "Yellowstone",
          "Alder",
          "Birchwood",
          "Coral Bay",
          "Dunmore");

  private static final List<String> COMPANY_MIDDLE =
      List.of(
          "Coastal",
          "Global",
          "National",
          "United",
          "Pacific",
          "Atlantic",
          "Northern",
          "Southern",
          "Western",
          "Eastern",
          "Premier",
          "Advanced",
          "Integrated",
          "Modern",
          "Allied",
          "Metro");

  private static final List<String> COMPANY_SECOND =
      List.of(
          "Traders",
          "Logistics",
          "Consulting",
          "Analytics",
          "Manufacturing",
          "Supply",
          "Software",
          "Media",
          "Health Partners",
          "Engineering",
          "Foods",
          "Outfitters",
          "Labs",
          "Energy",
          "Capital",
          "Design Studio",
          "Freight",
          "Systems",
          "Robotics",
          "Print Works",
          "Marine",
          "Textiles",
          "Biotech",
          "Hospitality",
          "Networks",
          "Builders",
          "Instruments",
          "Pharmacy Group",
          "Learning",
          "Motors");

  private static final List<String> COMPANY_SUFFIX =
      List.of("Inc.", "LLC", "Ltd.", "Corp.", "Co.", "Group", "Inc.", "LLC");

  private static final List<String> FIRST_NAMES =
      List.of(
          "Maria",
          "James",
          "Aisha",
          "Robert",
          "Chen",
          "Olivia",
          "Mateo",
          "Priya",
          "William",
          "Sofia",
          "Daniel",
          "Fatima",
          "Ethan",
          "Grace",
          "Hiroshi",
          "Isabella",
          "Jamal",
          "Katarzyna",
          "Liam",
          "Mei",
          "Noah",
          "Amara",
          "Oscar",
          "Paula",
          "Quentin",
          "Rosa",
          "Samuel",
          "Tara",
          "Umar",
          "Valeria",
          "Walter",
          "Ximena",
          "Yusuf",
          "Zoe",
          "Andre",
          "Beatriz",
          "Carlos",
          "Diana",
          "Elena",
          "Farid",
          "Gabriel",
          "Hannah",
          "Ivan",
          "Julia",
          "Kwame",
          "Laura",
          "Marcus",
          "Nadia",
          "Omar",
          "Patricia",
          "Rahul",
          "Sarah",
          "Thomas",
          "Uma",
          "Victor",
          "Wendy",
          "Xavier",
          "Yara",
          "Zachary",
          "Lucia");

  private static final List<String> LAST_NAMES =
      List.of(
          "Gonzalez",
          "Smith",
          "Okafor",
          "Johnson",
          "Wang",
          "Brown",
          "Rossi",
          "Patel",
          "Miller",
          "Novak",
          "Garcia",
          "Hassan",
          "Wilson",
          "Kim",
          "Tanaka",
          "Moreau",
          "Jackson",
          "Kowalski",
          "Murphy",
          "Lin",
          "Anderson",
          "Mensah",
          "Lopez",
          "Fischer",
          "Dubois",
          "Silva",
          "Taylor",
          "Nguyen",
          "Ali",
          "Herrera",
          "Becker",
          "Castillo",
          "Yilmaz",
          "Walker",
          "Ferreira",
          "Santos",
          "Reyes",
          "Schmidt",
          "Petrov",
          "Larsen",
          "Bianchi",
          "Hughes",
          "Adeyemi",
          "Martin",
          "Kovacs",
          "Ivanova",
          "Sato",
          "Mendez",
          "Clarke",
          "Chowdhury",
          "Bauer",
          "Costa",
          "Romero",
          "Olsen",
          "Morales",
          "Sullivan",
          "Gupta",
          "Jensen",
          "Ortiz",
          "Campbell");

  private static final List<String> STREETS =
      List.of(
          "Main Street",
          "Oak Avenue",
          "Maple Drive",
          "Cedar Lane",
          "Park Boulevard",
          "Harbor Road",
          "Elm Street",
          "Washington Avenue",
          "Lakeview Drive",
          "Sunset Boulevard",
          "Mill Road",
          "Commerce Way",
          "Industrial Parkway",
          "River Street",
          "Highland Avenue",
          "Pine Street",
          "Market Street",
          "Broadway",
          "Church Street",
          "Spring Garden Road",
          "Technology Drive",
          "Innovation Way",
          "Airport Road",
          "Bay Street",
          "College Avenue");

  static final List<Place> PLACES =
      List.of(
          new Place("Springfield", "IL", "627"), new Place("Portland", "OR", "972"),
          new Place("Austin", "TX", "787"), new Place("Denver", "CO", "802"),
          new Place("Columbus", "OH", "432"), new Place("Madison", "WI", "537"),
          new Place("Raleigh", "NC", "276"), new Place("Tampa", "FL", "336"),
          new Place("Phoenix", "AZ", "850"), new Place("Boise", "ID", "837"),
          new Place("Richmond", "VA", "232"), new Place("Albany", "NY", "122"),
          new Place("Sacramento", "CA", "958"), new Place("San Jose", "CA", "951"),
          new Place("Seattle", "WA", "981"), new Place("Minneapolis", "MN", "554"),
          new Place("Nashville", "TN", "372"), new Place("Atlanta", "GA", "303"),
          new Place("Boston", "MA", "021"), new Place("Newark", "NJ", "071"),
          new Place("Pittsburgh", "PA", "152"), new Place("Salt Lake City", "UT", "841"),
          new Place("Omaha", "NE", "681"), new Place("Kansas City", "MO", "641"),
          new Place("Louisville", "KY", "402"), new Place("Burlington", "VT", "054"),
          new Place("Providence", "RI", "029"), new Place("Santa Fe", "NM", "875"),
          new Place("Anchorage", "AK", "995"), new Place("Honolulu", "HI", "968"));

  private static final DecimalFormat AMOUNT =
      new DecimalFormat("#,##0.00", DecimalFormatSymbols.getInstance(Locale.US));

  private final Random random;
  private final Set<String> used = new HashSet<>();
  private int people;

  Fabricator(Random random) {
    this.random = random;
  }

  Random random() {
    return random;
  }

  <T> T pick(List<T> options) {
    return options.get(random.nextInt(options.size()));
  }

  int between(int lowInclusive, int highInclusive) {
    return lowInclusive + random.nextInt(highInclusive - lowInclusive + 1);
  }

  long between(long lowInclusive, long highInclusive) {
    return lowInclusive + Math.floorMod(random.nextLong(), highInclusive - lowInclusive + 1);
  }

  boolean chance(double probability) {
    return random.nextDouble() < probability;
  }

  /** A value from {@code supplier} never handed out before in this corpus. */
  String unique(Supplier<String> supplier) {
    return unique(supplier, Function.identity());
  }

  /** A value from {@code supplier} whose {@code key} was never handed out before. */
  <T> T unique(Supplier<T> supplier, Function<T, String> key) {
    for (int attempt = 0; attempt < 10_000; attempt++) {
      T value = supplier.get();
      if (used.add(key.apply(value))) {
        return value;
      }
    }
    throw new IllegalStateException(
        "ran out of unique values; the corpus is too large for the name pools");
  }

  /** {@code length} random digits, unique in the corpus, never starting with 0. */
  String digits(int length) {
    return unique(
        () -> {
          StringBuilder digits = new StringBuilder().append((char) ('1' + random.nextInt(9)));
          while (digits.length() < length) {
            digits.append((char) ('0' + random.nextInt(10)));
          }
          return digits.toString();
        });
  }

  Address address() {
    Place place = pick(PLACES);
    String street = between(10, 9899) + " " + pick(STREETS);
    if (chance(0.25)) {
      street += (chance(0.5) ? ", Suite " : ", Unit ") + between(100, 950);
    }
    return new Address(
        street,
        place.city(),
        place.state(),
        place.zipPrefix() + String.format("%02d", between(1, 99)));
  }

  Company company() {
    String base =
        unique(
            () -> {
              String middle = used.size() > 600 || chance(0.15) ? pick(COMPANY_MIDDLE) + " " : "";
              return pick(COMPANY_FIRST) + " " + middle + pick(COMPANY_SECOND);
            });
    String name = base + " " + pick(COMPANY_SUFFIX);
    String domain = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
    return new Company(
        name,
        base,
        address(),
        phone(),
        pick(List.of("billing", "accounts", "info", "hello")) + "@" + domain + ".com");
  }

  Person person() {
    // Past half the first x last combinations, middle initials keep names unique.
    boolean initials = people * 2 > FIRST_NAMES.size() * LAST_NAMES.size();
    Person person =
        unique(
            () ->
                new Person(
                    pick(FIRST_NAMES),
                    initials ? (char) ('A' + random.nextInt(26)) + "." : "",
                    pick(LAST_NAMES),
                    null),
            Person::fullName);
    people++;
    return new Person(person.first(), person.initial(), person.last(), address());
  }

  String phone() {
    return String.format(
        "(%03d) %03d-%04d", between(201, 989), between(200, 999), between(0, 9999));
  }

  /** An employer identification number, NN-NNNNNNN. */
  String ein() {
    String digits = digits(9);
    return digits.substring(0, 2) + "-" + digits.substring(2);
  }

  /** A social security number masked as printed on copies sent to the employee. */
  String maskedSsn() {
    return "***-**-" + digits(4);
  }

  LocalDate date(int year) {
    return LocalDate.of(year, 1, 1).plusDays(random.nextInt(365));
  }

  /** Cents as "1,234.56". */
  static String amount(long cents) {
    synchronized (AMOUNT) {
      return AMOUNT.format(BigDecimal.valueOf(cents, 2));
    }
  }

  /** A whole number with thousands separators. */
  static String count(long value) {
    return String.format(Locale.US, "%,d", value);
  }
}

package dev.qdrantloader.io.qdrant.local;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/** Parses datetime payload values the way Qdrant accepts them: RFC 3339 and common relatives. */
final class DateTimes {
  private DateTimes() {}

  private static final DateTimeFormatter LOCAL =
      new DateTimeFormatterBuilder()
          .appendPattern("yyyy-MM-dd['T'][' ']HH:mm[:ss]")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .toFormatter();

  private static final DateTimeFormatter OFFSET =
      new DateTimeFormatterBuilder().append(LOCAL).appendPattern("[XXX][XX][X]").toFormatter();

  /** The instant a datetime string names (no zone means UTC), or null when it is not one. */
  static Instant parse(String text) {
    String s = text.trim();
    try {
      return OffsetDateTime.parse(s, OFFSET).toInstant();
    } catch (DateTimeParseException ignored) {
      // try the forms without an offset
    }
    try {
      return LocalDateTime.parse(s, LOCAL).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException ignored) {
      // try a plain date
    }
    try {
      return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException ignored) {
      return null;
    }
  }

  static Instant of(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}

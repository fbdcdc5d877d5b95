package dev.qdrantloader.io.qdrant.local;

import io.qdrant.client.grpc.Collections.PayloadIndexParams;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.Collections.TextIndexParams;
import io.qdrant.client.grpc.Collections.TokenizerType;
import io.qdrant.client.grpc.Points.FieldType;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A payload index as declared by CreateFieldIndex: its schema type and parameters. */
final class FieldIndex {
  final String field;
  final PayloadSchemaType type;
  final PayloadIndexParams params; // may be null

  FieldIndex(String field, PayloadSchemaType type, PayloadIndexParams params) {
    this.field = field;
    this.type = type;
    this.params = params;
  }

  static PayloadSchemaType schemaType(FieldType t) {
    switch (t) {
      case FieldTypeKeyword:
        return PayloadSchemaType.Keyword;
      case FieldTypeInteger:
        return PayloadSchemaType.Integer;
      case FieldTypeFloat:
        return PayloadSchemaType.Float;
      case FieldTypeGeo:
        return PayloadSchemaType.Geo;
      case FieldTypeText:
        return PayloadSchemaType.Text;
      case FieldTypeBool:
        return PayloadSchemaType.Bool;
      case FieldTypeDatetime:
        return PayloadSchemaType.Datetime;
      case FieldTypeUuid:
        return PayloadSchemaType.Uuid;
      default:
        throw QdrantErrors.invalid("Wrong input: unknown field index type " + t);
    }
  }

  /** Whether {@code order_by} may use this index (Qdrant needs a range-capable one). */
  boolean supportsOrderBy() {
    return type == PayloadSchemaType.Integer
        || type == PayloadSchemaType.Float
        || type == PayloadSchemaType.Datetime;
  }

  /**
   * Splits text into tokens as this (text) index is configured; default: word tokens, lower case.
   */
  List<String> tokens(String text) {
    TextIndexParams p =
        params != null && params.hasTextIndexParams() ? params.getTextIndexParams() : null;
    boolean lowercase = p == null || !p.hasLowercase() || p.getLowercase();
    boolean fold = p != null && p.hasAsciiFolding() && p.getAsciiFolding();
    TokenizerType tokenizer = p == null ? TokenizerType.Word : p.getTokenizer();
    long minLen = p != null && p.hasMinTokenLen() ? p.getMinTokenLen() : 0;
    long maxLen = p != null && p.hasMaxTokenLen() ? p.getMaxTokenLen() : Long.MAX_VALUE;
    String s = lowercase ? text.toLowerCase(Locale.ROOT) : text;
    if (fold) {
      s = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
    }
    List<String> out = new ArrayList<>();
    String[] raw =
        tokenizer == TokenizerType.Whitespace ? s.split("\\s+") : s.split("[^\\p{L}\\p{N}_]+");
    for (String t : raw) {
      if (!t.isEmpty() && t.length() >= minLen && t.length() <= maxLen) {
        out.add(t);
      }
    }
    return out;
  }
}

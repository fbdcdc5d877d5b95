package dev.qdrantloader.io.convert;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** What a file's name says about how to convert it: the route and the media type to report. */
final class FileTypes {
  /** How a file is turned into text. */
  enum Route {
    /** Read as text; format markdown, title from the first heading. */
    MARKDOWN,
    /** Read as text (prose, data or code); format text. */
    TEXT,
    /** Parsed by Tika (PDF, Office, OpenDocument, RTF, EPUB, HTML). */
    DOCUMENT,
    /** Unknown name: read as text if the bytes are text, else parsed if Tika recognises them. */
    UNKNOWN
  }

  /** The route for a file and the media type reported for it (Tika's detection may refine it). */
  record FileType(Route route, String mimeType) {}

  private static final Map<String, FileType> BY_EXTENSION = new HashMap<>();

  static {
    markdown("text/markdown", "md", "markdown", "mdown", "mkd");
    text("text/plain", "txt", "text", "log", "adoc", "asciidoc");
    text("text/x-rst", "rst");
    text("text/csv", "csv");
    text("text/tab-separated-values", "tsv");
    text("application/json", "json", "jsonl", "ndjson");
    text("application/yaml", "yaml", "yml");
    text("application/xml", "xml");
    text("application/toml", "toml");
    text("text/x-ini", "ini", "cfg", "conf", "properties");
    text("text/x-java", "java");
    text("text/x-python", "py", "pyi");
    text("text/javascript", "js", "mjs", "cjs", "jsx");
    text("text/x-typescript", "ts", "tsx", "mts", "cts");
    text("text/x-go", "go");
    text("text/x-rust", "rs");
    text("text/x-c", "c", "h");
    text("text/x-c++", "cpp", "cc", "cxx", "hpp", "hh", "hxx");
    text("text/x-csharp", "cs");
    text("text/x-ruby", "rb");
    text("text/x-kotlin", "kt", "kts");
    text("text/x-scala", "scala", "sc");
    text("text/x-groovy", "groovy", "gradle");
    text("text/x-swift", "swift");
    text("text/x-php", "php");
    text("text/x-perl", "pl", "pm");
    text("text/x-lua", "lua");
    text("text/x-r", "r");
    text("text/x-dart", "dart");
    text("text/x-protobuf", "proto");
    text("text/x-sh", "sh", "bash", "zsh");
    text("text/x-powershell", "ps1");
    text("application/sql", "sql");
    text("text/css", "css", "scss", "sass", "less");
    document("application/pdf", "pdf");
    document("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx");
    document("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx");
    document("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx");
    document("application/msword", "doc");
    document("application/vnd.ms-powerpoint", "ppt");
    document("application/vnd.ms-excel", "xls");
    document("application/vnd.oasis.opendocument.text", "odt");
    document("application/vnd.oasis.opendocument.presentation", "odp");
    document("application/vnd.oasis.opendocument.spreadsheet", "ods");
    document("application/rtf", "rtf");
    document("application/epub+zip", "epub");
    document("text/html", "html", "htm");
    document("application/xhtml+xml", "xhtml");
  }

  /**
   * Media types Tika may detect that we parse. Anything else (archives, images, executables) is
   * refused rather than turned into a list of entry names or metadata.
   */
  private static final Set<String> PARSED_TYPES =
      Set.of(
          "application/pdf",
          "application/msword",
          "application/vnd.ms-excel",
          "application/vnd.ms-powerpoint",
          "application/rtf",
          "text/rtf",
          "application/epub+zip",
          "text/html",
          "application/xhtml+xml",
          "application/x-tika-msoffice",
          "application/x-tika-ooxml",
          "application/x-tika-ooxml-protected");

  private static final String[] PARSED_TYPE_PREFIXES = {
    "application/vnd.openxmlformats-officedocument.",
    "application/vnd.ms-word.",
    "application/vnd.ms-excel.",
    "application/vnd.ms-powerpoint.",
    "application/vnd.oasis.opendocument."
  };

  private FileTypes() {}

  static FileType of(String fileName) {
    FileType type = BY_EXTENSION.get(extension(fileName));
    return type != null ? type : new FileType(Route.UNKNOWN, "text/plain");
  }

  /** Whether Tika's detected type (without parameters) is one we extract text from. */
  static boolean isParsed(String mediaType) {
    if (PARSED_TYPES.contains(mediaType)) {
      return true;
    }
    for (String prefix : PARSED_TYPE_PREFIXES) {
      if (mediaType.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** The lower-case extension without the dot, or "" when there is none. */
  static String extension(String fileName) {
    String name = baseName(fileName);
    int dot = name.lastIndexOf('.');
    return dot <= 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /** The last path segment (either slash). */
  static String baseName(String fileName) {
    int slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
    return fileName.substring(slash + 1);
  }

  private static void markdown(String mimeType, String... extensions) {
    put(new FileType(Route.MARKDOWN, mimeType), extensions);
  }

  private static void text(String mimeType, String... extensions) {
    put(new FileType(Route.TEXT, mimeType), extensions);
  }

  private static void document(String mimeType, String... extensions) {
    put(new FileType(Route.DOCUMENT, mimeType), extensions);
  }

  private static void put(FileType type, String... extensions) {
    for (String extension : extensions) {
      BY_EXTENSION.put(extension, type);
    }
  }
}

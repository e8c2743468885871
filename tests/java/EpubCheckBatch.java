// Checks many EPUBs in one JVM (starting Java once per file took most of the test suite's time).
// Run in source-file mode with EPUBCheck's jar on the class path:
//   java -cp epubcheck.jar tests/java/EpubCheckBatch.java a.epub b.epub ...
// For each a.epub it writes a.epub.json, exactly what `java -jar epubcheck.jar a.epub -q --json a.epub.json` writes.
import com.adobe.epubcheck.tool.EpubChecker;

public class EpubCheckBatch {
    public static void main(String[] args) {
        for (String path : args) {
            new EpubChecker().run(new String[] {path, "-q", "--json", path + ".json"});
        }
    }
}

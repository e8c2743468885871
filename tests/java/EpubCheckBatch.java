// Checks many EPUBs in one JVM (starting Java once per file took most of the test suite's time).
// Run with EPUBCheck's jar on the class path, in source-file mode or compiled:
//   java -cp epubcheck.jar tests/java/EpubCheckBatch.java a.epub b.epub ...
// For each a.epub it writes a.epub.json, exactly what `java -jar epubcheck.jar a.epub -q --json a.epub.json` writes.
// Given no file, it serves: it reads one path per line on stdin, checks it the same way, then prints
// "checked\t<path>" on stdout, until stdin ends (one JVM for a whole test run).
import com.adobe.epubcheck.tool.EpubChecker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

public class EpubCheckBatch {
    public static void main(String[] args) throws IOException {
        for (String path : args) {
            check(path);
        }
        if (args.length == 0) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String path = in.readLine(); path != null; path = in.readLine()) {
                check(path);
                System.out.println("checked\t" + path);
                System.out.flush();
            }
        }
    }

    private static void check(String path) {
        new EpubChecker().run(new String[] {path, "-q", "--json", path + ".json"});
    }
}

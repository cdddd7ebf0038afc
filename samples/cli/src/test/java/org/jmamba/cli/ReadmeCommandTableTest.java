package org.jmamba.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.chat.MistralInstruct;
import org.jmamba.cli.repl.ChatRepl;
import org.jmamba.generate.GenerationOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The README's command table against picocli's own model of the command line: every command has
 * a row, and every flag a row shows is one the command takes. A new command, a renamed or dropped
 * flag fails here until the README says the same.
 */
class ReadmeCommandTableTest {
    private static final Pattern ROW = Pattern.compile("^\\| `\\./jmamba ([a-z-]+)([^`]*)` \\|", Pattern.MULTILINE);
    private static final Pattern FLAG = Pattern.compile("(?<![\\w-])(--?[a-zA-Z][\\w-]*)");

    static String section(String readme, String heading) {
        int start = readme.indexOf("\n## " + heading + "\n");
        assertTrue(start >= 0, "README has no '## " + heading + "' section");
        int end = readme.indexOf("\n## ", start + 1);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    static String readme() throws Exception {
        return Files.readString(Path.of(System.getProperty("jmamba.root"), "README.md"));
    }

    @Test
    void everyCommandHasARowAndEveryFlagInARowExists() throws Exception {
        Map<String, CommandLine> commands = new TreeMap<>(Main.commandLine().getSubcommands());
        commands.remove("help");
        Map<String, String> rows = new TreeMap<>();
        Matcher m = ROW.matcher(section(readme(), "Command line"));
        while (m.find()) rows.merge(m.group(1), m.group(2), (a, b) -> a + " " + b);

        assertEquals(commands.keySet(), rows.keySet(), "commands in picocli vs rows in the README's table");
        List<String> wrong = new ArrayList<>();
        for (var row : rows.entrySet()) {
            CommandSpec spec = commands.get(row.getKey()).getCommandSpec();
            Set<String> names = new TreeSet<>();
            spec.options().forEach(o -> names.addAll(List.of(o.names())));
            Matcher f = FLAG.matcher(row.getValue());
            while (f.find()) {
                if (!names.contains(f.group(1))) wrong.add(row.getKey() + " " + f.group(1));
            }
        }
        assertEquals(List.of(), wrong, "flags in the README that the commands do not take");
    }

    @Test
    void theChatSectionListsTheReplsCommands(@TempDir Path dir) throws Exception {
        Path model = TinyModel.write(dir, 1);
        Set<String> inRepl = new TreeSet<>();
        try (Model m = Model.load(model); Session s = m.newSession()) {
            var repl = new ChatRepl(s, m.tokenizer(), MistralInstruct.v3(), null, GenerationOptions.defaults(), System.err);
            ChatCommand.addStateCommands(repl);
            repl.commands().keySet().forEach(n -> inRepl.add("/" + n));
        }
        Set<String> inReadme = new TreeSet<>();
        Matcher m = Pattern.compile("^\\| `(/[a-z]+)[^`]*`(?:, `(/[a-z]+)`)? \\|", Pattern.MULTILINE).matcher(section(readme(), "Chat"));
        while (m.find()) {
            inReadme.add(m.group(1));
            if (m.group(2) != null) inReadme.add(m.group(2));
        }
        assertEquals(inRepl, inReadme, "the REPL's commands vs the README's chat table");
    }

    @Test
    void theFlagPatternFindsFlagsAndNotValues() {
        Matcher f = FLAG.matcher(" -m FILE (-p TEXT \\| -p - \\| -f FILE) [--outtype f32\\|q8_0] [--tensor-type PATTERN=TYPE]");
        List<String> found = new ArrayList<>();
        while (f.find()) found.add(f.group(1));
        assertEquals(List.of("-m", "-p", "-p", "-f", "--outtype", "--tensor-type"), found);
    }
}

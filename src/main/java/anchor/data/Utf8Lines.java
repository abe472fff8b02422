package anchor.data;

import anchor.AnchorException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A text file's lines, read as UTF-8; what goes wrong is one line naming the file and the cause (and the line, for bad UTF-8). */
public final class Utf8Lines {
    private Utf8Lines() {
    }

    public static List<String> read(Path file) {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) throw new AnchorException("cannot read " + file + ": it is a directory, not a file");
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new AnchorException("cannot read " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new AnchorException("cannot read " + file + ": permission denied");
        } catch (IOException e) {
            throw new AnchorException("cannot read " + file + ": " + e.getMessage());
        }
        List<String> lines = new ArrayList<>();
        if (bytes.length == 0) return lines;
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i < bytes.length && bytes[i] != '\n') continue;
            int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
            try {
                lines.add(utf8.decode(ByteBuffer.wrap(bytes, start, end - start)).toString());
            } catch (CharacterCodingException e) {
                throw new AnchorException(file + " line " + (lines.size() + 1) + " is not valid UTF-8; save the file as UTF-8");
            }
            start = i + 1;
        }
        if (bytes[bytes.length - 1] == '\n') lines.remove(lines.size() - 1);   // a final newline ends the last line; it starts none
        return lines;
    }
}

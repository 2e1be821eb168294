package org.vfioinspector.bridge.input;

import java.nio.file.FileSystemException;

/**
 * A file that exists but is not read: not a regular file (a FIFO would block the reader forever, a device such as
 * {@code /dev/zero} never ends), larger than the reader's bound, or not the text it must be. The message names the
 * file and what was expected.
 */
public final class RefusedFileException extends FileSystemException {
    private static final long serialVersionUID = 1L;

    private final String problem;

    public RefusedFileException(String file, String problem) {
        super(file, null, problem);
        this.problem = problem;
    }

    /** What is wrong with the file, without its name. */
    public String problem() {
        return problem;
    }

    @Override
    public String getMessage() {
        return getFile() + ": " + problem;
    }
}

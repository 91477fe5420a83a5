package dev.stepwise.agents;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * The warnings one class logs while a test runs, captured through log4j-core (the logging backend of the tests), for
 * behaviour that is only visible in the log, such as a warning given once.
 */
final class CapturedLogs implements AutoCloseable {

    private final Logger logger;
    private final AbstractAppender appender;
    private final List<String> warnings = new CopyOnWriteArrayList<>();

    CapturedLogs(final Class<?> type) {
        logger = (Logger) LogManager.getLogger(type);
        appender = new AbstractAppender("captured-" + type.getSimpleName(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(final LogEvent event) {
                if (event.getLevel() == Level.WARN) {
                    warnings.add(event.getMessage().getFormattedMessage());
                }
            }
        };
        appender.start();
        logger.addAppender(appender);
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }

    @Override
    public void close() {
        logger.removeAppender(appender);
        appender.stop();
    }
}

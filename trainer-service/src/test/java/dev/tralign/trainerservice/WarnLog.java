package dev.tralign.trainerservice;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** Collects the WARN (and worse) lines one class logs, so a test can wait for a retry to have happened. */
final class WarnLog extends AppenderBase<ILoggingEvent> {

    private final Logger logger;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private WarnLog(Class<?> source) {
        this.logger = (Logger) LoggerFactory.getLogger(source);
    }

    static WarnLog of(Class<?> source) {
        WarnLog appender = new WarnLog(source);
        appender.start();
        appender.logger.addAppender(appender);
        return appender;
    }

    List<String> lines() {
        return lines;
    }

    void detach() {
        logger.detachAppender(this);
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
            lines.add(event.getFormattedMessage());
        }
    }
}

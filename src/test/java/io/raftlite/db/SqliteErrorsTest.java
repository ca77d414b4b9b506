package io.raftlite.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.core.DB;

class SqliteErrorsTest {
    @Test
    void stripsTheDriverWrapperExactly() {
        SQLiteException e = DB.newSQLException(1, "near \"(\": syntax error (really)");
        assertThat(e.getMessage()).isEqualTo("[SQLITE_ERROR] SQL error or missing database (near \"(\": syntax error (really))");
        assertThat(SqliteErrors.message(e)).isEqualTo("near \"(\": syntax error (really)");
    }

    @Test
    void stripsExtendedAndUnknownCodes() {
        SQLiteException unique = DB.newSQLException(SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE.code, "UNIQUE constraint failed: foo.id");
        assertThat(SqliteErrors.message(unique)).isEqualTo("UNIQUE constraint failed: foo.id");
        SQLiteException unknown = DB.newSQLException(123456, "odd (x)");
        assertThat(SqliteErrors.message(unknown)).isEqualTo("odd (x)");
    }

    @Test
    void leavesOtherMessagesAlone() {
        assertThat(SqliteErrors.message(new SQLException("plain (text)"))).isEqualTo("plain (text)");
        assertThat(SqliteErrors.message(new SQLiteException("no wrapper", SQLiteErrorCode.SQLITE_ERROR))).isEqualTo("no wrapper");
    }
}

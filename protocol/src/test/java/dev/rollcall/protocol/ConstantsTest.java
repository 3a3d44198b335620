package dev.rollcall.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ConstantsTest
{
    @Test
    void shouldMatchTheErrorCodeTable()
    {
        assertThat(ErrorCode.values()).hasSize(25);
        final Set<ErrorCode> answers = EnumSet.of(
            ErrorCode.PRESENCE_REFUSED, ErrorCode.ANSWER_TOO_LARGE, ErrorCode.OBSERVER_READ_ONLY, ErrorCode.NOT_AN_OBSERVER);
        for (final ErrorCode code : ErrorCode.values())
        {
            assertThat(ErrorCode.fromCode(code.code())).isSameAs(code);
            assertThat(code.closes()).as("%s closes", code).isEqualTo(!answers.contains(code));
            if (answers.contains(code))
            {
                assertThat(code.resumable()).as("%s resumable: it does not close", code).isFalse();
            }
        }
        assertThat(ErrorCode.MALFORMED_FRAME.code()).isEqualTo(4002);
        assertThat(ErrorCode.SLOW_CONSUMER.code()).isEqualTo(4017);
        assertThat(ErrorCode.PRESENCE_REFUSED.code()).isEqualTo(4021);
        assertThat(ErrorCode.fromCode(4007)).isNull();
        assertThat(ErrorCode.fromCode(3999)).isNull();
        assertThat(ErrorCode.fromCode(4022)).isSameAs(ErrorCode.ANSWER_TOO_LARGE);
        assertThat(ErrorCode.fromCode(4023)).isSameAs(ErrorCode.INVALID_SEQ);
        assertThat(ErrorCode.fromCode(4024)).isSameAs(ErrorCode.OBSERVER_READ_ONLY);
        assertThat(ErrorCode.fromCode(4025)).isSameAs(ErrorCode.NOT_AN_OBSERVER);
        assertThat(ErrorCode.fromCode(4026)).isNull();
        assertThat(ErrorCode.fromCode(-1)).isNull();
        assertThat(ErrorCode.SERVER_SHUTTING_DOWN.resumable()).isTrue();
        assertThat(ErrorCode.UNKNOWN_OP.resumable()).isTrue();
        assertThat(ErrorCode.NOT_IDENTIFIED.resumable()).isFalse();
        assertThat(ErrorCode.DISCONNECTED_BY_SERVER.resumable()).isFalse();
        assertThat(ErrorCode.SERVER_OVERLOADED.resumable()).isFalse();
        assertThat(ErrorCode.TOKEN_EXPIRED.resumable()).isFalse();
    }

    @Test
    void shouldNameOps()
    {
        assertThat(Protocol.opName(Protocol.HELLO)).isEqualTo("HELLO");
        assertThat(Protocol.opName(Protocol.LIST_CLIENT_IDS)).isEqualTo("LIST_CLIENT_IDS");
        assertThat(Protocol.opName(0x28)).isEqualTo("GET_STATS");
        assertThat(Protocol.opName(0x0C)).isEqualTo("STATS");
        assertThat(Protocol.opName(0x29)).isEqualTo("UNKNOWN(0x29)");
        assertThat(Protocol.opName(0x0D)).isEqualTo("UNKNOWN(0xd)");
        assertThat(Protocol.opName(0x2F)).isEqualTo("UNKNOWN(0x2f)");
    }
}

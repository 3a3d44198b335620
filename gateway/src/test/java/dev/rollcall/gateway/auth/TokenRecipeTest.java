package dev.rollcall.gateway.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/protocol.md, "Minting a token in another language", followed step by step with nothing
 * but the JDK ({@code javax.crypto.Mac}, {@code java.util.Base64}) — none of the server's token
 * code — and checked against the server: its {@link HmacTokenAuthenticator}, given the secret as
 * the server loads it, accepts the token; and the worked example in the document is exactly what
 * the steps make, so the document cannot drift from the code.
 */
class TokenRecipeTest
{
    private static final Pattern EXAMPLE = Pattern.compile("<!-- token-example -->\\s*```\\n(.*?)```", Pattern.DOTALL);

    @Test
    void shouldMintATokenTheServerAcceptsByFollowingTheDocumentedSteps(@TempDir final Path data) throws Exception
    {
        final Example example = Example.fromProtocolDoc();
        // the secret file as `rollcall serve` would read it, with the newline an editor leaves
        final Path secretFile = data.resolve("secret");
        Files.writeString(secretFile, example.secretText + "\n", StandardCharsets.UTF_8);

        // step 1: the key is the UTF-8 bytes of the stripped text, not decoded in any way
        final byte[] key = Files.readString(secretFile, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
        assertThat(key).hasSize(34);

        // step 2: 18 bytes, little-endian
        final byte[] payload = new byte[18];
        payload[0] = 1;
        for (int i = 0; i < 8; i++)
        {
            payload[1 + i] = (byte)(example.userId >>> (8 * i));
            payload[9 + i] = (byte)(example.expiresAtMs >>> (8 * i));
        }
        payload[17] = (byte)example.role;

        // step 3: HMAC-SHA256 of the payload with the key
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        final byte[] signature = mac.doFinal(payload);

        // step 4: unpadded base64url of each, joined by '.'
        final Base64.Encoder base64url = Base64.getUrlEncoder().withoutPadding();
        final String token = base64url.encodeToString(payload) + "." + base64url.encodeToString(signature);

        assertThat(HexFormat.ofDelimiter(" ").formatHex(payload)).as("the document's payload").isEqualTo(example.payloadHex);
        assertThat(HexFormat.ofDelimiter(" ").formatHex(signature)).as("the document's signature").isEqualTo(example.signatureHex);
        assertThat(token).as("the document's token").isEqualTo(example.token).hasSize(68);

        final AuthOutcome outcome = new HmacTokenAuthenticator(Secrets.load(secretFile, name -> null))
            .authenticate(token, example.expiresAtMs - 1);
        assertThat(outcome).isEqualTo(new Identity(example.userId, Role.USER, example.expiresAtMs));
        assertThat(new HmacTokenAuthenticator(Secrets.load(secretFile, name -> null)).authenticate(token, example.expiresAtMs))
            .as("refused from the expiry on").isNotInstanceOf(Identity.class);
        assertThat(new HmacTokens(Secrets.load(secretFile, name -> null)).mint(example.userId, Role.USER, example.expiresAtMs))
            .as("what rollcall token mints").isEqualTo(token);
    }

    @Test
    void shouldRefuseATokenSignedWithTheDecodedSecret(@TempDir final Path data) throws Exception
    {
        // the mistake step 1 warns about: a generated secret looks like base64url but is used as text
        final String secretText = Secrets.generate();
        final Path secretFile = data.resolve("secret");
        Files.writeString(secretFile, secretText + "\n", StandardCharsets.UTF_8);
        final byte[] decoded = Base64.getUrlDecoder().decode(secretText);
        final byte[] payload = new byte[18];
        payload[0] = 1;
        payload[1] = 7;
        payload[9 + 6] = 0x7f; // far in the future
        final Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(decoded, "HmacSHA256"));
        final Base64.Encoder base64url = Base64.getUrlEncoder().withoutPadding();
        final String token = base64url.encodeToString(payload) + "." + base64url.encodeToString(mac.doFinal(payload));

        final AuthOutcome outcome = new HmacTokenAuthenticator(Secrets.load(secretFile, name -> null))
            .authenticate(token, System.currentTimeMillis());

        assertThat(outcome.failure()).isEqualTo(AuthFailure.BAD_SIGNATURE);
    }

    /** The worked example of docs/protocol.md. */
    private record Example(
        String secretText, long userId, long expiresAtMs, int role, String payloadHex, String signatureHex, String token)
    {
        static Example fromProtocolDoc() throws Exception
        {
            Path dir = Path.of("").toAbsolutePath();
            while (null != dir && !Files.exists(dir.resolve("docs").resolve("protocol.md")))
            {
                dir = dir.getParent();
            }
            assertThat(dir).as("docs/protocol.md above the working directory").isNotNull();
            final Matcher block = EXAMPLE.matcher(Files.readString(dir.resolve("docs").resolve("protocol.md")));
            assertThat(block.find()).as("docs/protocol.md has the token example after <!-- token-example -->").isTrue();
            final String text = block.group(1);
            return new Example(
                field(text, "secret file").split(" ")[0],
                Long.parseLong(field(text, "user id")),
                Long.parseLong(field(text, "expires at").split(" ")[0]),
                Integer.parseInt(field(text, "role").split(" ")[0]),
                field(text, "payload"),
                field(text, "signature"),
                field(text, "token"));
        }

        private static String field(final String text, final String name)
        {
            final Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\s+(.+)$").matcher(text);
            assertThat(matcher.find()).as("the example's '%s' line", name).isTrue();
            return matcher.group(1).strip();
        }
    }
}

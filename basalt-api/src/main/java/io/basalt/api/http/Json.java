package io.basalt.api.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.basalt.api.ApiException;

import java.io.IOException;

/** The one JSON mapping of the API: unknown fields are refused, so a typo is not silently ignored. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .configure(SerializationFeature.INDENT_OUTPUT, true)
            .setSerializationInclusion(JsonInclude.Include.ALWAYS);

    private Json() {
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** Parses a request body; a missing or malformed body is a 400 naming the problem. */
    public static <T> T read(byte[] body, Class<T> type) {
        if (body == null || body.length == 0) {
            throw ApiException.invalid("a JSON request body is required");
        }
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw ApiException.invalid("the request body must be a JSON object");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.invalid("unknown field '" + e.getPropertyName() + "'; known: "
                    + e.getKnownPropertyIds());
        } catch (IOException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage();
            int cut = msg.indexOf('\n');
            throw ApiException.invalid("malformed JSON body: " + (cut > 0 ? msg.substring(0, cut) : msg));
        }
    }
}

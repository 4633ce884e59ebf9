package io.cdcconsole.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.Test;

/** A sealed ticket row opens with its ticket only, and holds nothing of the text in clear. */
class TicketSealTest {
  private static final String TICKET = "q3Xl0pS9bHk2aQe7Rz1uV8wY4cN6mT5fJ0dG2sL1oPk";
  private static final String TEXT = "source:\n  password: Seal-Secret-998877\n";

  @Test
  void opensWithItsTicketOnly() throws Exception {
    byte[] sealed = TicketSeal.seal(TICKET, TEXT);
    assertEquals(TEXT, TicketSeal.open(TICKET, sealed));
    assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("Seal-Secret"));
    assertThrows(GeneralSecurityException.class, () -> TicketSeal.open(TICKET + "x", sealed));
    sealed[sealed.length - 1] ^= 1;
    assertThrows(GeneralSecurityException.class, () -> TicketSeal.open(TICKET, sealed));
  }

  @Test
  void eachSealIsFreshAndTheIdIsAHashNotTheTicket() {
    assertNotEquals(
        java.util.Arrays.toString(TicketSeal.seal(TICKET, TEXT)),
        java.util.Arrays.toString(TicketSeal.seal(TICKET, TEXT)),
        "a random IV per seal");
    String id = TicketSeal.id(TICKET);
    assertTrue(id.matches("[0-9a-f]{64}"), id);
    assertEquals(LaunchTickets.fingerprint(TICKET), id.substring(0, 12));
  }
}
